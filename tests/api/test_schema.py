"""Schemathesis against the live server: every operation, with inputs valid and invalid.

Each answer must be no 5xx, a documented status with its documented media type and headers,
and a body valid against the OpenAPI document. The citizen limit on bookings from one network
(429) is documented too, so running out of it is an answer like any other.

The operations are driven one by one with Hypothesis (schemathesis.pytest.from_fixture does not
run under pytest 9), against the document the live server serves.
"""

import pytest
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from amtstermin.core import api_keys

pytestmark = [pytest.mark.usefixtures("easy_captcha"), pytest.mark.xdist_group("live_api")]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 25


@pytest.fixture
def live_schema(live_server, transactional_db, office):
    return schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")


@pytest.fixture
def key(office) -> dict:
    """A write key seeing everything: the staff operations get past authentication."""
    secret = api_keys.create(
        name="Schema",
        department=office.id_card.department,
        locations=[office.location],
        access="write",
        everything=True,
        now=timezone.now(),
    ).secret
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_answers_within_its_schema(live_schema, key, mode):
    tested = []
    for found in live_schema.get_all_operations():
        operation = found.ok()

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def answers_within_schema(case):
            case.call_and_validate(checks=CHECKS, headers=key)

        try:
            answers_within_schema()
        except Unsatisfiable:
            # Nothing to get wrong: an operation without parameters or body has no invalid input.
            assert mode == GenerationMode.NEGATIVE, operation.label
            continue
        tested.append(operation.label)
    assert len(tested) >= (27 if mode == GenerationMode.POSITIVE else 23), tested
