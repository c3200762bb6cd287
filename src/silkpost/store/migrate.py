"""Schema migrations, run from code (``silkpost db upgrade``, the demo, the tests).

The Alembic scripts ship inside the package so an installed Silkpost can upgrade its own
database without a checkout.
"""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(files("silkpost.store").joinpath("migrations")))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Bring the database to ``revision``; return the revision it is at afterwards."""
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return current_revision(engine)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None when it was never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    """The newest revision the code knows."""
    return ScriptDirectory.from_config(_config()).get_current_head()
