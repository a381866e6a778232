"""Schemathesis generates requests from the OpenAPI schema and checks every answer against it:
no server error, only documented statuses, content types and response bodies, wrong methods
refused, invalid parameters refused."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from masthead.wsgi import application

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


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_its_schema_says(case, archive):
    case.call_and_validate()
