"""Settings: environment variables, overridden by global CLI options."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, field_validator

# Provider options (plugins/assembled/config.py lists Assembled's) from the environment:
# WFM_OPTION_<NAME>=value sets option <name>; WFM_BASE_URL / --base-url set base_url.
OPTION_PREFIX = "WFM_OPTION_"


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
    vault: str = "local"
    cache: str = "local"
    state: str = "local"
    clock: str = "system"
    directory: str = "demo"
    scores: str = "demo"
    host_name: str = "evaluagent"
    timezone: str = "UTC"
    work_hours: str = "09:00-17:00"  # viewer's zone; free slots and the longest 1:1
    slot_step_minutes: int = Field(default=15, gt=0)
    available_activity_types: tuple[str, ...] = ()  # names that count as free for slots
    provider_options: dict[str, str] = Field(default_factory=dict)
    blocked_plugins: tuple[str, ...] = ()

    @field_validator("available_activity_types", mode="before")
    @classmethod
    def _split_names(cls, value: object) -> object:
        """``WFM_AVAILABLE_TYPES="Shift, Open Time"`` -> ("Shift", "Open Time")."""
        if isinstance(value, str):
            return tuple(name.strip() for name in value.split(",") if name.strip())
        return value

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
            ("work_hours", "WFM_WORK_HOURS"),
            ("slot_step_minutes", "WFM_SLOT_STEP_MINUTES"),
            ("available_activity_types", "WFM_AVAILABLE_TYPES"),
        ):
            if env.get(var):
                values[field] = env[var]
        options: dict[str, str] = {}
        for var, value in env.items():  # WFM_OPTION_TIMEOUT=2 -> the provider option timeout
            if var.startswith(OPTION_PREFIX) and len(var) > len(OPTION_PREFIX):
                options[var[len(OPTION_PREFIX) :].lower()] = value
        if env.get("WFM_BASE_URL"):
            options["base_url"] = env["WFM_BASE_URL"]
        extra_options = overrides.pop("provider_options", None) or {}
        options.update(extra_options)  # type: ignore[call-overload]
        values["provider_options"] = options
        from wfm_bridge.host.plugins import blocked_from_env

        values["blocked_plugins"] = tuple(blocked_from_env())
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls.model_validate(values)
