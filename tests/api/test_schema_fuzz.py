"""Schemathesis generates requests from the OpenAPI schema and checks every answer against it:
no server error, only documented statuses, content types and response bodies, wrong methods
refused, invalid parameters refused."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from masthead.wsgi import application

pytestmark = pytest.mark.fuzz

CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            # A cursor is an opaque token: any string fits the schema, but only one the
            # API gave out is meaningful. Another is refused with 400, which is documented.
            "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "404"]},
        }
    }
)
# Read from the running application, as a client would find it.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema", application, config=CONFIG)


@pytest.fixture
def connection_kept_across_requests():
    """The WSGI app closes the database connection after each request, as a server should;
    the test's transaction lives on that connection, so it stays open, as Django's own test
    client arranges."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("connection_kept_across_requests")
@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_its_schema_says(case, archive):
    case.call_and_validate()
