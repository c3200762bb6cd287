"""Settings, read from the environment (``SILKPOST_*``) with embedded defaults.

Every setting is listed in docs/settings.md; a test fails when one is missing there.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from silkpost.errors import SilkpostError

N = TypeVar("N", int, float)


class InvalidSetting(SilkpostError, ValueError):
    """A ``SILKPOST_*`` setting whose value cannot be used: the platform does not start.

    Also a ``ValueError``, which is what a bad constructor argument has always raised.
    """

    code = "settings.invalid"
    kind = "invalid"
    title = "Invalid setting"


# The numeric settings and the least (and most) each accepts: the one place these limits live.
NUMERIC_LIMITS: dict[str, tuple[float, float | None]] = {
    "SILKPOST_PORT": (1, 65_535),
    "SILKPOST_INGEST_BATCH_SIZE": (1, None),
    "SILKPOST_ANALYTICS_REFRESH_SECONDS": (0, None),
    "SILKPOST_MAX_BODY_BYTES": (1, None),
    "SILKPOST_WEBHOOKS_LEASE_SECONDS": (1, 3600),
    "SILKPOST_WEBHOOKS_WORKERS": (1, 256),
    "SILKPOST_RATE_LIMIT_PER_MINUTE": (0, None),
}
_FLAGS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


def _check_range(name: str, value: float) -> None:
    low, high = NUMERIC_LIMITS[name]
    if value < low or (high is not None and value > high) or value != value:
        bound = f"from {low:g} to {high:g}" if high is not None else f"at least {low:g}"
        raise InvalidSetting(f"{name}={value!r} is out of range: it must be {bound}",
                             field=name)


def _number(env: dict[str, str], name: str, parse: Callable[[str], N], default: N) -> N:
    """The setting ``name`` as a number, or an error naming it and what it expects."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = parse(raw)
    except ValueError:
        kind = "a whole number" if parse is int else "a number"
        raise InvalidSetting(f"{name}={raw!r} is not {kind}; unset it for the default "
                             f"{default!r}", field=name) from None
    return value


def _flag(env: dict[str, str], name: str, default: bool) -> bool:
    """The setting ``name`` as yes or no (1/0, true/false, yes/no), or an error naming it."""
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in _FLAGS:
        raise InvalidSetting(f"{name}={raw!r} is not 1 or 0 (true/false, yes/no)", field=name)
    return _FLAGS[raw]


@dataclass(frozen=True, slots=True)
class Settings:
    """What the composition root needs to build the application."""

    database_url: str = "sqlite:///silkpost.db"
    network_file: str | None = None  # None: the network shipped in the package
    host: str = "127.0.0.1"
    port: int = 8000
    ingest_batch_size: int = 20_000
    analytics_file: str | None = None  # None: derived from the database (analytics_path)
    analytics_refresh_seconds: float = 10.0
    max_body_bytes: int = 128 * 1024 * 1024
    public_url: str | None = None  # None: http://HOST:PORT (see base_url)
    webhooks_allow_private: bool = False
    webhooks_lease_seconds: float = 120.0
    webhooks_workers: int = 16
    rate_limit_per_minute: int = 1200  # calls per key and minute, per server process; 0: off
    # Signs the dashboard's session cookies. Unset, each process draws its own (sessions end
    # at a restart, and servers behind one address do not share them): set it in production.
    session_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    # The offices whose export dispatches close only when every item's content check and
    # X-ray are recorded (acceptance security's gate); none by default.
    acceptance_gate_offices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Every way of building settings (environment, CLI options, tests) passes here.
        _check_range("SILKPOST_PORT", self.port)
        _check_range("SILKPOST_INGEST_BATCH_SIZE", self.ingest_batch_size)
        _check_range("SILKPOST_ANALYTICS_REFRESH_SECONDS", self.analytics_refresh_seconds)
        _check_range("SILKPOST_MAX_BODY_BYTES", self.max_body_bytes)
        _check_range("SILKPOST_WEBHOOKS_LEASE_SECONDS", self.webhooks_lease_seconds)
        _check_range("SILKPOST_WEBHOOKS_WORKERS", self.webhooks_workers)
        _check_range("SILKPOST_RATE_LIMIT_PER_MINUTE", self.rate_limit_per_minute)
        if not self.database_url.strip():
            raise InvalidSetting("SILKPOST_DATABASE_URL is empty: give a URL such as "
                                 "sqlite:///silkpost.db", field="SILKPOST_DATABASE_URL")
        if self.public_url is not None:
            parts = urlsplit(self.public_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise InvalidSetting(f"SILKPOST_PUBLIC_URL: {self.public_url!r} is not an "
                                     "http(s) URL such as https://post.example.kz",
                                     field="SILKPOST_PUBLIC_URL")

    def base_url(self) -> str:
        """The address people and feed readers reach the server at, without a trailing slash.

        Links the server writes into documents that leave it (the Atom feed) are built on
        this, never on the request's Host header, which the client chooses.
        """
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    def analytics_path(self) -> str:
        """Where analytics keeps its DuckDB copy of the event log.

        ``analytics_file`` when set (``:memory:`` allowed); else a file beside a SQLite
        database (``silkpost.db`` → ``silkpost.analytics.duckdb``), a file per server and
        database under the user's cache directory for PostgreSQL, and memory for an in-memory
        SQLite database. A file outlives a restart, so a large log is not copied again.
        """
        if self.analytics_file:
            return self.analytics_file
        url = self.database_url
        if url.startswith("sqlite"):
            database = url.partition(":///")[2].partition("?")[0]
            if not database or database == ":memory:":
                return ":memory:"
            return str(Path(database).with_suffix(".analytics.duckdb"))
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        digest = hashlib.sha256(url.encode()).hexdigest()[:16]
        return str(cache / "silkpost" / f"analytics-{digest}.duckdb")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Settings from ``SILKPOST_*`` variables, defaults for the rest."""
        env = dict(os.environ if environ is None else environ)
        defaults = cls()
        return cls(
            database_url=env.get("SILKPOST_DATABASE_URL", defaults.database_url),
            network_file=env.get("SILKPOST_NETWORK_FILE") or None,
            host=env.get("SILKPOST_HOST", defaults.host),
            port=_number(env, "SILKPOST_PORT", int, defaults.port),
            ingest_batch_size=_number(env, "SILKPOST_INGEST_BATCH_SIZE", int,
                                      defaults.ingest_batch_size),
            analytics_file=env.get("SILKPOST_ANALYTICS_FILE") or None,
            analytics_refresh_seconds=_number(env, "SILKPOST_ANALYTICS_REFRESH_SECONDS", float,
                                              defaults.analytics_refresh_seconds),
            public_url=env.get("SILKPOST_PUBLIC_URL") or None,
            max_body_bytes=_number(env, "SILKPOST_MAX_BODY_BYTES", int,
                                   defaults.max_body_bytes),
            webhooks_allow_private=_flag(env, "SILKPOST_WEBHOOKS_ALLOW_PRIVATE",
                                         defaults.webhooks_allow_private),
            webhooks_lease_seconds=_number(env, "SILKPOST_WEBHOOKS_LEASE_SECONDS", float,
                                           defaults.webhooks_lease_seconds),
            webhooks_workers=_number(env, "SILKPOST_WEBHOOKS_WORKERS", int,
                                     defaults.webhooks_workers),
            session_secret=env.get("SILKPOST_SESSION_SECRET") or defaults.session_secret,
            rate_limit_per_minute=_number(env, "SILKPOST_RATE_LIMIT_PER_MINUTE", int,
                                          defaults.rate_limit_per_minute),
            acceptance_gate_offices=tuple(
                code.strip().upper() for code in
                env.get("SILKPOST_ACCEPTANCE_GATE_OFFICES", "").split(",") if code.strip()),
        )


SETTING_NAMES = (
    "SILKPOST_DATABASE_URL",
    "SILKPOST_NETWORK_FILE",
    "SILKPOST_HOST",
    "SILKPOST_PORT",
    "SILKPOST_INGEST_BATCH_SIZE",
    "SILKPOST_ANALYTICS_FILE",
    "SILKPOST_ANALYTICS_REFRESH_SECONDS",
    "SILKPOST_PUBLIC_URL",
    "SILKPOST_MAX_BODY_BYTES",
    "SILKPOST_WEBHOOKS_ALLOW_PRIVATE",
    "SILKPOST_WEBHOOKS_LEASE_SECONDS",
    "SILKPOST_WEBHOOKS_WORKERS",
    "SILKPOST_SESSION_SECRET",
    "SILKPOST_RATE_LIMIT_PER_MINUTE",
    "SILKPOST_ACCEPTANCE_GATE_OFFICES",
)
