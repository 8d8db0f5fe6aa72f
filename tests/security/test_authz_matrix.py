"""Every route × every kind of visitor, against a table of who may pass.

The routes come from the URL configuration (the web pages, the REST API and
the admin) and the API's methods from its OpenAPI schema, so a route added
without a row in ACCESS fails here. The world is the demo data: customer A
(0812345671) owns the objects the addresses name, at branch B30101; customer
B (0898765432) owns others; `counter` and `technician` work at B30101,
`counter.udon` at another branch, and `supervisor` over B30101's province.

A visit is let through when it is answered (2xx, a 3xx that is not to a
login page, or a 400/409/422 about the input, which means the checks on who
may ask have passed); it is refused with 401, 403, 404 or a redirect to a
login page. Every visit runs in a savepoint rolled back after it, so one
visit's effects do not change the next. The observed table is printed when
it differs from ACCESS, with the differing cells marked.
"""

import copy
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import User
from outages.models import OutageReport
from payments.models import Invoice, Receipt, Refund, Settlement, SettlementRow
from requests_app.models import Appointment, Document, ServiceRequest
from voc.models import Rating

pytestmark = pytest.mark.django_db

ROLES = ("anon", "alice", "bob", "counter", "outsider", "field", "supervisor")
USERNAMES = {"alice": "0812345671", "bob": "0898765432", "counter": "counter",
             "outsider": "counter.udon", "field": "technician",
             "supervisor": "supervisor"}  # fmt: skip

EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {"anon"}
CUSTOMERS = {"alice", "bob"}
OWNER = {"alice"}
STAFF = {"counter", "outsider", "field", "supervisor"}
OFFICE = {"counter", "field", "supervisor"}  # staff whose scope covers B30101
COUNTER_OFFICE = {"counter", "supervisor"}
MONEY_STAFF = STAFF - {"field"}  # cash and refunds: not field staff
COUNTER_STAFF = {"counter", "outsider", "supervisor"}  # counter roles, any office
OWNER_OR_OFFICE = OWNER | OFFICE
SUPERVISORS = {"supervisor"}
NOBODY = set()

# route name -> who may pass. Admin routes not listed here are NOBODY: none
# of these visitors is an administrator.
ACCESS = {
    "home": EVERYONE,
    "set_language": EVERYONE,
    "charter": EVERYONE,
    "charter_detail": EVERYONE,
    "healthz": EVERYONE,
    "favicon": EVERYONE,  # a redirect to the static icon
    "accounts:signup": EVERYONE,
    "accounts:login": EVERYONE,
    "accounts:logout": EVERYONE,
    "accounts:password_reset": EVERYONE,
    "accounts:password_reset_code": EVERYONE,
    "accounts:password_reset_new": EVERYONE,
    "requests:mine": SIGNED_IN,  # one's own requests: staff have none
    "requests:file": CUSTOMERS,
    "requests:document": OWNER_OR_OFFICE,
    "requests:detail": OWNER,
    "requests:upload": OWNER,
    "requests:mt75": OWNER_OR_OFFICE,
    "requests:rate": OWNER,
    "requests:action": OWNER,
    "sla:dashboard": SUPERVISORS,
    "sla:list": SUPERVISORS,
    "payments:pay": OWNER,
    # Paying bills: each visitor sees and pays only their own accounts' bills
    # (staff have none); cash for any account at any office's counter.
    "bills:pay": SIGNED_IN,
    "bills_staff:counter": COUNTER_STAFF,
    "payments:return": OWNER,
    "payments:status": OWNER,
    "payments:receipt": OWNER_OR_OFFICE,
    "payments:invoice_pdf": OWNER_OR_OFFICE,
    "payments:refund_voucher": OWNER | COUNTER_OFFICE,
    "payments:verify": EVERYONE,  # the receipt's QR: the signature is the key
    "fakepay:checkout": EVERYONE,  # the payment provider's own page (fake)
    "outages:report": EVERYONE,
    "outages:status": EVERYONE,  # the token in the SMS is the key
    "voice_new": CUSTOMERS,
    "open311:open311_services": EVERYONE,
    "open311:open311_service": EVERYONE,
    "open311:open311_requests": EVERYONE,
    "open311:open311_request": EVERYONE,
    "staff:queue": STAFF,
    "staff:file": COUNTER_STAFF,  # counter roles only, at their own office
    "staff:phone_report": COUNTER_STAFF,  # a report taken by phone (§3.11), likewise
    "staff:my_work": STAFF,
    "staff:work_orders": STAFF,
    "staff:outages": STAFF,
    "staff:ratings": STAFF,  # the ratings of one's own offices
    "staff:rating_complaint": OFFICE,
    "staff:outage": OFFICE,
    "staff:settlements": SUPERVISORS,
    "staff:refunds": MONEY_STAFF,
    "staff:cash": MONEY_STAFF,
    "staff:finance_daily": SUPERVISORS,
    "staff:refund_approve": SUPERVISORS,
    "staff:refund_paid_out": COUNTER_OFFICE,
    "staff:settlement": SUPERVISORS,
    "staff:settlement_row": SUPERVISORS,
    "staff:work_order_assign": COUNTER_OFFICE,
    "staff:disconnection_new": STAFF,
    "staff:adjusted_bill_new": STAFF,
    "staff:flow": STAFF,
    "staff:detail": OFFICE,
    "staff:assign": OFFICE,
    "staff:act": COUNTER_OFFICE,  # the step tried is "accept"
    "staff:identity": COUNTER_OFFICE,
    "staff:personal_data_audit": SUPERVISORS,
    "api:schema": EVERYONE,
    "api:docs": EVERYONE,
    "api:redoc": EVERYONE,
    "api:token_create": EVERYONE,
    "api:token_revoke": SIGNED_IN,
    "api:services": EVERYONE,
    "api:service": EVERYONE,
    "api:request_file": CUSTOMERS,
    "api:offices": EVERYONE,
    "api:meter_sizes": EVERYONE,
    "api:categories": EVERYONE,
    "api:accounts": CUSTOMERS,
    "api:notifications": SIGNED_IN,
    "api:requests": CUSTOMERS,
    "api:request": OWNER,
    "api:request_documents": OWNER,
    "api:request_rating": OWNER,
    "api:invoices": CUSTOMERS,
    "api:invoice": OWNER,
    "api:invoice_pay": OWNER,
    "api:bill_payments": CUSTOMERS,  # one's own bills only (400 for none)
    "api:receipt_pdf": OWNER_OR_OFFICE,
    "api:outages": EVERYONE,
    "api:outage": EVERYONE,
    "api:voice": CUSTOMERS,
    "api:queue": STAFF,
    "api:transitions": OFFICE,
    "api:transition": COUNTER_OFFICE,  # "accept", as on the web
    "bills:accounts": CUSTOMERS,  # one's own linked accounts
    "bills:account_add": CUSTOMERS,
    "bills:account_settings": OWNER,
    "bills:account_unlink": OWNER,
    "bills_staff:link": COUNTER_STAFF,  # counter roles of any office
    # The billing system's export files: administrators only (none here).
    "bills_staff:imports": NOBODY,
    "bills_staff:import": NOBODY,
    "api:bill_accounts": CUSTOMERS,
    "api:bill_account_link": CUSTOMERS,
    "api:bill_account_update": OWNER,
    "api:bill_account_unlink": OWNER,
    "bills:account": OWNER,  # an account's bills and usage
    "bills:bill": OWNER,
    "bills:bill_pdf": OWNER,
    "api:bill_list": OWNER,
    "api:bill_usage": OWNER,
    "api:bill": OWNER,
    "api:bill_pdf": OWNER,
    "admin:login": EVERYONE,
    "admin:logout": EVERYONE,
}
# The payment provider's callback answers only a valid signature; its own
# tests (tests/payments) cover forged, replayed and unsigned calls.
NOT_IN_MATRIX = {"payments:callback"}


def routes():
    """(name, pattern, methods) for every route of the URL configuration."""

    def walk(patterns, prefix, ns):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern),
                                ns + (f"{p.namespace}:" if p.namespace else ""))  # fmt: skip
            elif isinstance(p, URLPattern) and p.name:
                yield ns + p.name, prefix + str(p.pattern)

    return sorted(set(walk(get_resolver().url_patterns, "", "")))


def api_methods() -> dict[str, set[str]]:
    """The API's operations, from its OpenAPI schema: path template -> methods."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {path: {m.upper() for m in ops} for path, ops in schema["paths"].items()}


def _world():
    alice = User.objects.get(username=USERNAMES["alice"])
    mine = ServiceRequest.objects.filter(applicant=alice, office__code="B30101")
    doc = Document.objects.filter(request__in=mine).first()
    receipt = Receipt.objects.filter(payment__invoice__request__in=mine).first()
    refund = Refund.objects.filter(request__in=mine, number__isnull=False).first()
    if refund is None:  # approved refunds have a number and a voucher
        from payments.services import refund_approve

        refund = refund_approve(
            refund=Refund.objects.filter(request__in=mine, status="due").first(),
            user=User.objects.get(username=USERNAMES["supervisor"]),
        )
    report = OutageReport.objects.filter(incident__office__code="B30101").first()
    from payments.receipts import signature

    invoice = Invoice.objects.filter(request__in=mine, status="unpaid").first()
    # The demo's one replaced meter (form มต.75) is the juristic customer's:
    # make it A's, so that A owns one of every kind of document.
    replaced = ServiceRequest.objects.get(replacement__replaced_at__isnull=False)
    ServiceRequest.objects.filter(pk=replaced.pk).update(applicant=alice)
    return {
        "reference": mine.filter(state="submitted", service__code="new-connection")
        .first()
        .reference,
        "mt75": replaced.reference,
        "rate": mine.filter(state="closed").first().reference,
        "document": doc.token,
        "receipt": receipt.number,
        "verify": (receipt.number, signature(receipt)),
        "invoice": invoice.number,
        "refund": refund.number or "",
        "refund_pk": refund.pk,
        "incident": report.incident.number,
        "report_token": report.token,
        "open311_id": report.pk,
        "rating_pk": Rating.objects.filter(score__lte=2).first().pk,
        "settlement_pk": Settlement.objects.first().pk,
        "row_pk": SettlementRow.objects.first().pk,
        "appointment_pk": Appointment.objects.filter(request__office__code="B30101")
        .first()
        .pk,
        "charge": _charge(invoice.number),
        "ca": _alice_account(alice),
        "bill": _alice_bill(alice),
    }


def _alice_account(alice) -> str:
    """An electricity account linked to A (the demo's, else one made here)."""
    from meters.models import ElectricityAccount

    account = ElectricityAccount.objects.filter(customer=alice).order_by("pk").first()
    if account is None:
        from django.utils import timezone

        from accounts.models import Office

        account = ElectricityAccount.objects.create(
            ca_number="020099990001", customer=alice, linked_at=timezone.now(),
            source=ElectricityAccount.Source.BILLING, holder_id="3100100123458",
            meter_serial="AUTHZ-1", office=Office.objects.get(code="B30101"),
            premises_address="1 ถ.ทดสอบ",
        )  # fmt: skip
    return account.ca_number


def _alice_bill(alice) -> str:
    """A bill of one of A's linked accounts (the demo's, else one made here)."""
    from bills.models import Bill
    from tests.bills.accounts_data import monthly_bills

    bill = Bill.objects.filter(account__customer=alice).order_by("pk").first()
    if bill is None:
        from meters.models import ElectricityAccount

        account = ElectricityAccount.objects.get(ca_number=_alice_account(alice))
        bill = monthly_bills(account, ["432.10"])[0]
    return bill.number


def _charge(invoice_number):
    """A charge at the (fake) provider, as starting an online payment makes."""
    from fakepay.models import FakeCharge

    return FakeCharge.objects.create(
        reference=invoice_number, amount=100, return_url="http://testserver/"
    ).pk


def concrete(name: str, pattern: str, w) -> str:
    """The pattern with its parameters filled from the world."""
    values = {
        "code": "outage" if name.startswith("open311:") else "new-connection",
        "reference": w["mt75"]
        if name == "requests:mt75"
        else w["rate"]
        if name in ("requests:rate",)
        else w["reference"],
        "action": "accept" if name == "staff:act" else "cancel",
        "name": "accept",
        "token": {
            "requests:document": w["document"],
            "outages:status": w["report_token"],
            "api:outage": w["report_token"],
        }.get(name, ""),
        "number": {
            "payments:receipt": w["receipt"],
            "api:receipt_pdf": w["receipt"],
            "payments:verify": w["verify"][0],
            "payments:refund_voucher": w["refund"],
            "staff:outage": w["incident"],
            "bills:bill": w["bill"],
            "bills:bill_pdf": w["bill"],
            "api:bill": w["bill"],
            "api:bill_pdf": w["bill"],
        }.get(name, w["invoice"]),
        "sig": w["verify"][1],
        "pk": {
            "staff:rating_complaint": w["rating_pk"],
            "staff:refund_approve": w["refund_pk"],
            "staff:refund_paid_out": w["refund_pk"],
            "staff:settlement": w["settlement_pk"],
            "staff:settlement_row": w["row_pk"],
            "staff:work_order_assign": w["appointment_pk"],
        }.get(name, 1),
        "charge_id": w["charge"],
        "ca": w["ca"],
        "request_id": w["open311_id"],
        "kind": "open",
        "flow": "new_connection",
        "object_id": 1,
        "id": 1,
        "content_type_id": 1,
        "app_label": "accounts",
        "url": "",
    }
    if name == "staff:settlement_row":
        values["action"] = "post"

    def fill(match):
        return str(values[match.group("name")])

    path = re.sub(r"<(?:\w+:)?(?P<name>\w+)>", fill, pattern)
    if path.startswith("^") or "(?P<" in path:  # the admin's regex routes
        path = re.sub(r"\(\?P<(?P<name>\w+)>[^)]*\)", fill, path.lstrip("^"))
        path = path.rstrip("$").replace("\\", "")
    return "/" + path


def passed(response, login_urls) -> bool | None:
    """True: let through; False: refused; None: the method is not served."""
    code = response.status_code
    if code == 405:
        return None
    if code in (401, 403, 404):
        return False
    if 300 <= code < 400:
        target = response.get("Location", "")
        return not any(target.startswith(u) for u in login_urls)
    return code < 500 or pytest.fail(f"{code} from {response.request['PATH_INFO']}")


@pytest.fixture
def demo_world(settings):
    settings.OPEN311_API_KEYS = []
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = dict.fromkeys(
        rest.get("DEFAULT_THROTTLE_RATES", {}), "100000/min"
    )
    settings.REST_FRAMEWORK = rest
    call_command("demo_seed", verbosity=0)
    return _world()


def test_every_route_has_a_row():
    names = {name for name, _p in routes()}
    missing = {
        n for n in names - set(ACCESS) - NOT_IN_MATRIX if not n.startswith("admin:")
    }
    assert not missing, f"routes without a row in ACCESS: {sorted(missing)}"
    assert not set(ACCESS) - names, "rows for routes that do not exist"


def test_the_matrix_holds_for_every_route_and_visitor(demo_world):
    api = api_methods()
    login_urls = (resolve_url(settings.LOGIN_URL), "/admin/login/")
    clients = {"anon": Client()}
    for role, username in USERNAMES.items():
        clients[role] = Client()
        clients[role].force_login(User.objects.get(username=username))

    observed, wrong, tried = {}, [], 0
    for name, pattern in routes():
        if name in NOT_IN_MATRIX:
            continue
        path = concrete(name, pattern, demo_world)
        template = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern)
        methods = sorted(api.get(template, {"GET", "POST"}) - {"PUT", "PATCH"})
        expected = ACCESS.get(name, NOBODY)
        for role in ROLES:
            results = []
            for method in methods:
                client = clients[role]
                cookies = copy.deepcopy(client.cookies)
                with transaction.atomic():
                    response = getattr(client, method.lower())(path)
                    transaction.set_rollback(True)
                client.cookies = cookies  # as before (a logout, a new session)
                tried += 1
                results.append(passed(response, login_urls))
            served = [r for r in results if r is not None]
            let_through = any(served)
            observed[name, role] = let_through if served else None
            if served and let_through != (role in expected):
                wrong.append((name, role, path, methods, results))
    assert tried > 1000
    # Each of the seven visitors is refused somewhere and let through somewhere.
    for role in ROLES:
        seen = {v for (n, r), v in observed.items() if r == role and v is not None}
        assert seen == {True, False}, role
    assert not wrong, "\n" + "\n".join(
        f"{'LEAK' if role not in ACCESS.get(name, NOBODY) else 'REFUSED'}: "
        f"{role} {methods} {path} -> {results}"
        for name, role, path, methods, results in wrong
    )
