"""Settings: environment variables, overridden by global CLI options."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from pydantic import BaseModel, ConfigDict, Field


def default_data_dir() -> Path:
    """``WFM_HOME`` or the user's data directory for wfm-bridge."""
    env = os.environ.get("WFM_HOME")
    return Path(env).expanduser() if env else Path(platformdirs.user_data_dir("wfm-bridge"))


class Settings(BaseModel):
    """Everything the composition root needs to pick and build adapters."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    data_dir: Path = Field(default_factory=default_data_dir)
    tenant: str = "default"
    provider: str = "memory_fake"
    vault: str = "memory"
    cache: str = "memory"
    state: str = "memory"
    clock: str = "memory"
    directory: str = "demo"
    scores: str = "demo"
    host_name: str = "evaluagent"
    timezone: str = "UTC"
    provider_options: dict[str, str] = Field(default_factory=dict)
    blocked_plugins: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Read ``WFM_*`` variables; keyword overrides (from CLI options) win when not None."""
        env = os.environ
        values: dict[str, object] = {}
        for field, var in (
            ("tenant", "WFM_TENANT"),
            ("provider", "WFM_PROVIDER"),
            ("vault", "WFM_VAULT"),
            ("cache", "WFM_CACHE"),
            ("state", "WFM_STATE"),
            ("clock", "WFM_CLOCK"),
            ("directory", "WFM_DIRECTORY"),
            ("scores", "WFM_SCORES"),
            ("host_name", "WFM_HOST_NAME"),
            ("timezone", "WFM_TIMEZONE"),
        ):
            if env.get(var):
                values[field] = env[var]
        options: dict[str, str] = {}
        if env.get("WFM_BASE_URL"):
            options["base_url"] = env["WFM_BASE_URL"]
        extra_options = overrides.pop("provider_options", None) or {}
        options.update(extra_options)  # type: ignore[call-overload]
        values["provider_options"] = options
        from host.plugins import blocked_from_env

        values["blocked_plugins"] = tuple(blocked_from_env())
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls.model_validate(values)
