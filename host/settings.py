"""Settings: ``WFM_*`` environment variables (pydantic-settings), overridden by arguments.

Every field reads ``WFM_<FIELD>`` (``WFM_TENANT``, ``WFM_PROVIDER``, ``WFM_STATE``, ...), except
``data_dir`` (``WFM_HOME``), ``available_activity_types`` (``WFM_AVAILABLE_TYPES``) and
``blocked_plugins`` (``WFM_BLOCK_PLUGINS``). The fleet's servers: ``WFM_POSTGRES_DSN`` /
``WFM_POSTGRES_SCHEMA`` (state ``postgres``) and ``WFM_REDIS_URL`` / ``WFM_REDIS_PREFIX``
(cache and rate limiter ``redis``); ``WFM_CLAIMS`` names the export fleet's claims adapter
(default: the one named like the state adapter, else ``memory``). Provider options come from
``WFM_OPTION_<NAME>=value`` (option ``<name>``; plugins/assembled/config.py lists Assembled's)
and ``WFM_BASE_URL`` (option ``base_url``); keyword arguments win over the environment.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import platformdirs
from pydantic import Field, SecretStr, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

OPTION_PREFIX = "WFM_OPTION_"


def default_data_dir() -> Path:
    """The user's data directory for wfm-bridge (``WFM_HOME`` overrides it)."""
    return Path(platformdirs.user_data_dir("wfm-bridge"))


def _names(value: object) -> object:
    """``"Shift, Open Time"`` -> ("Shift", "Open Time"); other values pass through."""
    if isinstance(value, str):
        return tuple(name.strip() for name in value.split(",") if name.strip())
    return value


class _ProviderOptions(PydanticBaseSettingsSource):
    """``WFM_OPTION_<NAME>`` and ``WFM_BASE_URL`` -> ``provider_options``."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # everything comes through __call__

    def __call__(self) -> dict[str, Any]:
        options = {
            var[len(OPTION_PREFIX) :].lower(): value
            for var, value in os.environ.items()
            if var.startswith(OPTION_PREFIX) and len(var) > len(OPTION_PREFIX)
        }
        if os.environ.get("WFM_BASE_URL"):
            options["base_url"] = os.environ["WFM_BASE_URL"]
        return {"provider_options": options} if options else {}


class PluginSettings(BaseSettings):
    """What plugin discovery needs, readable before (and without) the rest of ``Settings``:
    the command line discovers plugins, and so its commands, before it parses any option."""

    model_config = SettingsConfigDict(
        env_prefix="WFM_", env_ignore_empty=True, frozen=True, populate_by_name=True
    )

    blocked_plugins: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), validation_alias="WFM_BLOCK_PLUGINS"
    )

    _split_blocked = field_validator("blocked_plugins", mode="before")(_names)


class Settings(PluginSettings):
    """Everything the composition root needs to pick and build adapters."""

    model_config = SettingsConfigDict(extra="forbid")

    data_dir: Path = Field(default_factory=default_data_dir, validation_alias="WFM_HOME")
    tenant: str = "default"
    provider: str = "memory_fake"
    vault: str = "local"
    cache: str = "local"
    state: str = "local"
    clock: str = "system"
    rate_limiter: str = "local"  # per-key adaptive limiter shared by the process (or "redis")
    directory: str = "demo"
    scores: str = "demo"
    host_name: str = "evaluagent"
    timezone: str = "UTC"
    work_hours: str = "09:00-17:00"  # viewer's zone; free slots and the longest 1:1
    slot_step_minutes: int = Field(default=15, gt=0)
    # names that count as free for slots
    available_activity_types: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), validation_alias="WFM_AVAILABLE_TYPES"
    )
    # per activity type: "Open Time=available,Coaching=busy" (core/availability.py)
    availability: str = ""
    max_meeting_minutes: int = Field(default=120, gt=0)  # the longest 1:1
    provider_options: dict[str, str] = Field(default_factory=dict)
    # the fleet's servers (secrets: a DSN or URL may hold a password)
    postgres_dsn: SecretStr | None = None
    postgres_schema: str = "public"
    redis_url: SecretStr | None = None
    redis_prefix: str = "wfm:"
    claims: str | None = None  # the export fleet's TenantClaims adapter (None: see claims_name)

    _split_names = field_validator("available_activity_types", mode="before")(_names)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments first, then ``WFM_*`` variables and provider options; no dotenv."""
        return init_settings, env_settings, _ProviderOptions(settings_cls)

    def adapter_options(self) -> dict[str, str]:
        """What non-provider adapter factories get as options: the provider options plus
        the fleet's server settings that are set."""
        options = dict(self.provider_options)
        servers = {
            "postgres_dsn": self.postgres_dsn,
            "postgres_schema": self.postgres_schema,
            "redis_url": self.redis_url,
            "redis_prefix": self.redis_prefix,
        }
        for name, value in servers.items():
            if value is not None:
                options[name] = value.get_secret_value() if isinstance(value, SecretStr) else value
        return options

    def claims_name(self, installed: list[str]) -> str:
        """The claims adapter to use: ``claims`` if set, else the one named like the state
        adapter (claims live where the state lives), else the in-process ``memory``."""
        if self.claims:
            return self.claims
        return self.state if self.state in installed else "memory"

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """The environment's settings; keyword overrides (CLI options) win when not None.

        ``provider_options`` given here are merged over the environment's options."""
        given: dict[str, Any] = {k: v for k, v in overrides.items() if v is not None}
        return cls(**given)
