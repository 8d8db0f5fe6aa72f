"""Schemathesis against the live schema: it loads /api/v1/schema/ from the
running application (in-process WSGI), generates requests for every
operation from the schema, sends them with a customer's token and with a
staff token, and checks every response: no server error, and status, content
type and body as the schema documents them. Runs in CI with the suite."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from payments.models import Receipt
from payments.receipts import receipt_render_one
from payments.services import payment_record_cash, request_quote_fees
from requests_app import services as rs
from tests import factories
from tests.api.conftest import login

# Per operation and token. CI runs a fixed, derandomised set so that a red
# build always means a change broke something; run with more (and random
# ones: SCHEMATHESIS_RANDOM=1) to explore.
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "15"))
RANDOM = bool(os.environ.get("SCHEMATHESIS_RANDOM"))


def _live_schema():
    # Generating the schema reads no data, so it loads at collection time
    # (schemathesis' lazy fixture loader relies on a pytest private that
    # pytest 9 removed).
    from django.test import override_settings

    from pea_portal.wsgi import application

    # No database yet: the throttles count this request in process memory.
    memory = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(CACHES=memory):
        return schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


schema = _live_schema()


@pytest.fixture
def tokens(api, customer, office, counter):
    """Data for the operations to find: a request with an invoice, a paid one
    with its receipt, an account; tokens of its customer and of the clerk."""
    r = rs.request_accept(
        request=factories.submit_request(customer=customer, office=office), user=counter
    )
    request_quote_fees(request=r, user=counter)
    paid_r = rs.request_accept(
        request=factories.submit_request(customer=customer, office=office), user=counter
    )
    paid = request_quote_fees(request=paid_r, user=counter)
    payment = payment_record_cash(invoice=paid, user=counter, amount=paid.total)
    receipt_render_one(receipt_id=Receipt.objects.get(payment=payment).pk)
    factories.account_for(customer, office)
    # A linked account's unpaid bill (POST /bill-payments/).
    from tests.bills import paying_helpers

    paying_helpers.bill(paying_helpers.account(office=office, customer=customer))
    tokens = {"customer": login(api, customer), "staff": login(api, counter)}
    # Schemathesis calls the WSGI application directly: like Django's test
    # client (whose requests above reconnected them), keep the request
    # signals from closing the connection that holds the test's transaction.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield tokens
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _checks():
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [not_a_server_error, status_code_conformance, content_type_conformance,
            response_schema_conformance]  # fmt: skip


def _run(case, token):
    from django.core.cache import cache

    cache.clear()  # the throttles would otherwise answer 429 to the generator
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"}, checks=_checks()
    )


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=not RANDOM,
          suppress_health_check=list(HealthCheck))  # fmt: skip
def test_the_api_keeps_its_schema_for_a_customer(case, tokens):
    _run(case, tokens["customer"])


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=not RANDOM,
          suppress_health_check=list(HealthCheck))  # fmt: skip
def test_the_api_keeps_its_schema_for_staff(case, tokens):
    _run(case, tokens["staff"])


def test_the_schema_validates_and_documents_every_operation(api, db):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    doc = api.get("/api/v1/schema/?format=json").json()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert op.get("responses"), (method, path)
            assert any(code.startswith("2") for code in op["responses"]), (method, path)
            if method in ("post", "put", "patch") and not path.endswith(
                ("/payments/",)
            ):
                assert "requestBody" in op, (method, path)
    docs = api.get("/api/v1/docs/").content.decode()
    assert "cdn" not in docs.lower() and "/static/drf_spectacular_sidecar/" in docs
