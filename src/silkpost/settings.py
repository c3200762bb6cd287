"""Settings, read from the environment (``SILKPOST_*``) with embedded defaults.

Every setting is listed in docs/settings.md; a test fails when one is missing there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Settings:
    """What the composition root needs to build the application."""

    database_url: str = "sqlite:///silkpost.db"
    network_file: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    ingest_batch_size: int = 20_000
    analytics_file: str = ":memory:"
    analytics_refresh_seconds: float = 10.0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Settings from ``SILKPOST_*`` variables, defaults for the rest."""
        env = dict(os.environ if environ is None else environ)
        defaults = cls()
        return cls(
            database_url=env.get("SILKPOST_DATABASE_URL", defaults.database_url),
            network_file=env.get("SILKPOST_NETWORK_FILE") or None,
            host=env.get("SILKPOST_HOST", defaults.host),
            port=int(env.get("SILKPOST_PORT", defaults.port)),
            ingest_batch_size=int(
                env.get("SILKPOST_INGEST_BATCH_SIZE", defaults.ingest_batch_size)
            ),
            analytics_file=env.get("SILKPOST_ANALYTICS_FILE") or defaults.analytics_file,
            analytics_refresh_seconds=float(
                env.get("SILKPOST_ANALYTICS_REFRESH_SECONDS", defaults.analytics_refresh_seconds)
            ),
        )


SETTING_NAMES = (
    "SILKPOST_DATABASE_URL",
    "SILKPOST_NETWORK_FILE",
    "SILKPOST_HOST",
    "SILKPOST_PORT",
    "SILKPOST_INGEST_BATCH_SIZE",
    "SILKPOST_ANALYTICS_FILE",
    "SILKPOST_ANALYTICS_REFRESH_SECONDS",
)
