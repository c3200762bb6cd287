"""schemathesis against the application's own OpenAPI document, authenticated as an admin:
every operation, bounded examples; no server error and no answer outside its schema.

The app is built when the module is collected (schemathesis reads the operations from it to
make one test per operation), on a store of its own in a temporary folder.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from silkpost.api.app import create_app
from silkpost.bootstrap import bootstrap
from silkpost.partners.service import operator_key
from silkpost.settings import Settings

EXAMPLES = 25  # per operation: CI time stays bounded

_FOLDER = Path(tempfile.mkdtemp(prefix="silkpost-fuzz-"))
atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)
_PLATFORM = bootstrap(Settings(database_url=f"sqlite:///{_FOLDER / 'silkpost.db'}",
                               analytics_file=":memory:", rate_limit_per_minute=0))
_KEY = operator_key(uow=_PLATFORM.partner_uow, clock=_PLATFORM.clock, label="fuzz").text
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(_PLATFORM))


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_every_operation_answers_within_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {_KEY}"},
                           checks=[not_a_server_error, response_schema_conformance,
                                   content_type_conformance])
