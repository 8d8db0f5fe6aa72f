"""Personal data (PDPA): national IDs and phone numbers are masked in lists,
never written to the logs, and every look at a full ID is recorded.

The log test runs the journeys that handle IDs and phone numbers — signing up,
filing at the counter, staff steps, a cash and an online payment with their
Celery tasks, the API, forms refused for a bad ID, a 500 — with every logger
at DEBUG, and scans every record as the code wrote it (no redaction filter):
it passes because the code does not log them. A second test shows the
redaction filter (core.redaction) catching what third-party code might."""

import json
import logging
import re
import time
from datetime import UTC

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from core.models import PersonalDataAccess
from payments.models import Invoice
from requests_app import services as rs
from requests_app.models import ServiceRequest
from tests import factories

pytestmark = pytest.mark.django_db

# 13 digits, together or with dashes or spaces anywhere (1-2345-67890-12-3),
# not inside a longer word (a task's UUID, an invoice number INVB111-…).
THIRTEEN = re.compile(r"(?<![0-9A-Za-z])\d(?:[ -]?\d){12}(?![0-9A-Za-z])")
SECRET = "dev-fakepay-secret"
SIGNUP_PHONE = "0891234567"
WALK_IN_PHONE = "0877777777"
VISITOR_PHONE = "0865550123"
BAD_ID_PHONE = "0861110000"
REPORT_PHONE = "0812345678"


def _variants(phone: str) -> set[str]:
    return {phone, f"{phone[:3]}-{phone[3:6]}-{phone[6:]}", f"+66{phone[1:]}",
            f"66{phone[1:]}"}  # fmt: skip


def _texts(record: logging.LogRecord) -> list[str]:
    """Everything of a record a handler could write: the message as written
    and as formatted, its arguments, exception and stack, and extras."""
    out = [str(record.msg), repr(record.args)]
    try:
        out.append(record.getMessage())
    except Exception:  # noqa: BLE001
        pass
    if record.exc_info:
        out.append(logging.Formatter().formatException(record.exc_info))
    out += [record.exc_text or "", record.stack_info or ""]
    standard = logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys()
    out += [repr(v) for k, v in record.__dict__.items() if k not in standard]
    return out


def _leaks(records, phones) -> list[str]:
    found = []
    for record in records:
        for text in _texts(record):
            for match in THIRTEEN.findall(text):
                found.append(f"{record.name}: 13 digits {match!r} in {text[:200]!r}")
            for phone in phones:
                for v in _variants(phone):
                    if v in text:
                        found.append(f"{record.name}: phone {v} in {text[:200]!r}")
    return found


@pytest.fixture
def all_logs(caplog, monkeypatch):
    """caplog at DEBUG on every logger, also those that do not propagate; the
    redaction filter on the handlers (settings.LOGGING) is switched off, as
    it rewrites the records caplog sees: the scan reads what the code wrote."""
    import celery.app.trace  # noqa: F401 - its logger exists before we list them

    from core.redaction import RedactPersonalDataFilter

    monkeypatch.setattr(RedactPersonalDataFilter, "filter", lambda self, record: True)

    names = ["", "django", "django.request", "django.security", "django.server",
             "django.db.backends", "celery", "celery.app.trace", "celery.task",
             "celery.worker", "kombu", "pea.security", "axes",
             *logging.root.manager.loggerDict]  # fmt: skip
    detached = []
    for name in dict.fromkeys(names):
        caplog.set_level(logging.DEBUG, logger=name or None)
        logger = logging.getLogger(name or None)
        if name and not logger.propagate and caplog.handler not in logger.handlers:
            logger.addHandler(caplog.handler)
            detached.append(logger)
    yield caplog
    for logger in detached:
        logger.removeHandler(caplog.handler)


@pytest.fixture
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PAYMENT_PROVIDER_SECRETS = [SECRET]
    settings.SMS_BACKEND = "notifications.backends.ConsoleSMSBackend"


def _signed(body: bytes) -> dict:
    from payments.provider import sign

    return {"HTTP_X_PEA_PAY_SIGNATURE": sign(body, secret=SECRET,
                                             timestamp=int(time.time()))}  # fmt: skip


def _callback(invoice) -> bytes:
    return json.dumps({
        "id": "evt_pdpa", "type": "charge.succeeded",
        "data": {"transaction_id": "txn_pdpa", "reference": invoice.number,
                 "amount": str(invoice.total), "currency": "THB"},
    }).encode()  # fmt: skip


def _walk_in_fields(office, service, kind="individual"):
    from meters.models import MeterSize
    from requests_app.services import required_document_types

    data = {
        "step": "file", "kind": kind, "office": office.pk,
        "premises_address": "7 หมู่ 2 ต.บ้านเป็ด อ.เมือง", "premises_province": "ขอนแก่น",
        "meter_size": MeterSize.objects.get(code="5(15)-1").pk,
        "contact_phone": WALK_IN_PHONE,
    }  # fmt: skip
    for dt in required_document_types(
        service=service, applicant_kind=kind, by_representative=False
    ):
        data[f"doc_{dt.pk}"] = factories.pdf(f"{dt.code}.pdf")
    return data


def _signup(**overrides):
    return {
        "kind": "individual", "first_name": "สมหญิง", "last_name": "ใจงาม",
        "phone": "089-123-4567", "email": "", "national_id": factories.national_id(77),
        "preferred_language": "th", "password1": "correct-horse-battery",
        "password2": "correct-horse-battery", **overrides,
    }  # fmt: skip


def test_no_journey_writes_a_national_id_or_a_phone_number_to_the_logs(
    all_logs, eager, client, customer, other_customer, counter, supervisor, office,
    new_connection, monkeypatch, django_capture_on_commit_callbacks,
):  # fmt: skip
    run = django_capture_on_commit_callbacks
    staff = Client()
    staff.force_login(counter)

    # A customer signs up (web), with a bad ID first.
    web = Client()
    valid = factories.national_id(77)
    bad_checksum = valid[:12] + str((int(valid[12]) + 1) % 10)
    bad = web.post(reverse("accounts:signup"),
                   _signup(phone=BAD_ID_PHONE, national_id=bad_checksum))  # fmt: skip
    assert bad.status_code == 200 and bad.context["form"].errors
    with run(execute=True):
        assert web.post(reverse("accounts:signup"), _signup()).status_code == 302
    signed_up = User.objects.get(phone=SIGNUP_PHONE)
    # … logs in with the wrong password, then the right one (username = phone).
    web.logout()
    web.post(
        reverse("accounts:login"), {"username": "089-123-4567", "password": "nope"}
    )
    web.post(reverse("accounts:login"), {"username": SIGNUP_PHONE,
                                         "password": "correct-horse-battery"})  # fmt: skip

    # Counter: find a customer by ID and by phone, file for a new walk-in,
    # with a bad ID first; search the queue by phone; open, reveal, act.
    for lookup in (customer.profile.national_id, customer.phone, "1111111111119"):
        assert staff.post(reverse("staff:file"), {"lookup": lookup}).status_code == 200
    data = _walk_in_fields(office, new_connection)
    bad_id = {**data, "c-first_name": "ประยูร", "c-last_name": "มาหา",
              "c-phone": WALK_IN_PHONE, "c-national_id": "1234567890120",
              "c-preferred_language": "th"}  # fmt: skip
    assert staff.post(reverse("staff:file"), bad_id).status_code == 200
    data = _walk_in_fields(office, new_connection)
    with run(execute=True):
        filed = staff.post(reverse("staff:file"), {
            **data, "c-first_name": "ประยูร", "c-last_name": "มาหา",
            "c-phone": WALK_IN_PHONE, "c-national_id": factories.national_id(4242),
            "c-preferred_language": "th"})  # fmt: skip
    assert filed.status_code == 302
    walk_in = ServiceRequest.objects.get(channel="counter")
    for q in (WALK_IN_PHONE, customer.phone[-4:], walk_in.reference):
        assert staff.get(reverse("staff:queue"), {"q": q}).status_code == 200
    assert staff.get(walk_in.staff_url()).status_code == 200
    assert staff.post(reverse("staff:identity", args=[walk_in.reference]),
                      {"reason": "identity"}).status_code == 200  # fmt: skip
    with run(execute=True):
        staff.post(reverse("staff:act", args=[walk_in.reference, "accept"]),
                   {"accept-note": "", "expected_state": "submitted"})  # fmt: skip
    with run(execute=True):
        staff.post(reverse("staff:act", args=[walk_in.reference, "quote_fees"]),
                   {"expected_state": "accepted"})  # fmt: skip
    invoice = Invoice.objects.get(request=walk_in)
    with run(execute=True):  # cash: the payment, its receipt, its PDF task
        staff.post(reverse("staff:act", args=[walk_in.reference, "record_payment"]),
                   {"record_payment-amount": str(invoice.total),
                    "expected_state": "fees_quoted"})  # fmt: skip
    invoice.refresh_from_db()
    assert invoice.status == "paid"

    # Online: the customer's request, quoted, paid by the provider's callback.
    mine = factories.submit_request(customer=customer, office=office)
    mine = rs.request_accept(request=mine, user=counter)
    from payments.services import request_quote_fees

    online = request_quote_fees(request=mine, user=counter)
    body = _callback(online)
    with run(execute=True):
        paid = web.post(reverse("payments:callback"), body,
                        content_type="application/json", **_signed(body))  # fmt: skip
    assert paid.status_code == 200
    online.refresh_from_db()
    assert online.status == "paid"

    # The API: log in with the phone, read, file an outage, search, fail.
    api = APIClient()
    token = api.post("/api/v1/auth/tokens/", {"username": "089 123 4567",
                     "password": "correct-horse-battery"}, format="json")  # fmt: skip
    assert token.status_code == 201
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert api.get(reverse("api:requests")).status_code == 200
    api = APIClient()
    api.force_authenticate(customer)
    assert api.get(reverse("api:request", args=[mine.reference])).status_code == 200
    assert api.get(reverse("api:invoices")).status_code == 200
    visitor = APIClient()
    assert visitor.post(reverse("api:outages"), {"symptom": "area_dark",
                        "office": office.pk, "address": "ซอย 5", "phone": VISITOR_PHONE},
                        format="json").status_code == 201  # fmt: skip
    assert visitor.post(reverse("api:outages"), {"symptom": "area_dark",
                        "phone": "08-1234"}, format="json").status_code == 400  # fmt: skip
    assert api.post("/api/v1/auth/tokens/", {"username": other_customer.phone,
                    "password": "wrong"}, format="json").status_code == 401  # fmt: skip
    api_staff = APIClient()
    api_staff.force_authenticate(counter)
    assert api_staff.get(reverse("api:queue"), {"q": customer.phone}).status_code == 200
    assert api_staff.post(
        reverse("api:transition", args=[walk_in.reference, "record_payment"]),
        {"amount": "x"},
        format="json",
    ).status_code in (400, 409)
    assert api_staff.get(reverse("api:request", args=["NO-SUCH"])).status_code in (
        403,
        404,
    )

    # Outages on the web and by Open311, with the reporter's phone.
    with run(execute=True):
        Client().post(reverse("outages:report"), {"symptom": "area_dark",
                      "office": office.pk, "address": "ซอย 7", "name": "Somchai",
                      "phone": VISITOR_PHONE})  # fmt: skip
        Client().post(reverse("open311:open311_requests"), {
            "service_code": "outage", "attribute[symptom]": "area_dark",
            "attribute[office]": office.code, "address_string": "ซอย 9",
            "phone": "+66 86 555 0123", "first_name": "Somsri"})  # fmt: skip

    # A 500 while handling a form full of personal data.
    def broken(**kwargs):
        raise RuntimeError("the directory service did not answer")

    monkeypatch.setattr("requests_app.staff_views.customer_create", broken)
    crash = Client(raise_request_exception=False)
    crash.force_login(counter)
    response = crash.post(reverse("staff:file"), {
        **_walk_in_fields(office, new_connection), "c-first_name": "ก", "c-last_name": "ข",
        "c-phone": "0861234599", "c-national_id": factories.national_id(5151),
        "c-preferred_language": "th"})  # fmt: skip
    assert response.status_code == 500

    records = all_logs.records
    # The capture saw what matters: the 500 with its traceback, the tasks.
    assert any(r.name == "django.request" and r.exc_info for r in records)
    assert any(r.name == "celery.app.trace" for r in records)
    assert any(r.name == "notifications.backends" for r in records)
    phones = {customer.phone, other_customer.phone, counter.phone, supervisor.phone,
              SIGNUP_PHONE, WALK_IN_PHONE, VISITOR_PHONE, BAD_ID_PHONE, "0861234599",
              signed_up.phone}  # fmt: skip
    assert _leaks(records, phones) == []
    assert PersonalDataAccess.objects.filter(reference=walk_in.reference).count() == 1


def test_the_redaction_filter_catches_what_others_might_log(caplog):
    """The last line of defence (wired into LOGGING by settings): IDs and
    phone numbers in messages, arguments and exception text are replaced."""
    from core.redaction import RedactPersonalDataFilter

    caplog.set_level(logging.DEBUG)
    caplog.handler.addFilter(RedactPersonalDataFilter())
    log = logging.getLogger("tests.pdpa")
    nid = factories.national_id(99)
    log.warning("Not Found: /staff/requests/%s/", nid)
    log.info("lookup %s then %s", "1-2345-67890-12-1", "081-234-5678")
    log.info({"phone": "+66812345678"})
    try:
        raise ValueError(
            'duplicate key value violates unique constraint "accounts_user_username_key"'
            "\nDETAIL:  Key (username)=(0812345678) already exists."
        )
    except ValueError:
        log.exception("Internal Server Error: /accounts/signup/")
    log.info("receipt %s, invoice %s, amount %s", 42, "INVB111-2568-000001", "1,070.00")

    assert _leaks(caplog.records, {"0812345678"}) == []
    text = "\n".join(t for r in caplog.records for t in _texts(r))
    assert "[ID]" in text and "[PHONE]" in text
    assert "Key (username)=([PHONE]) already exists" in text
    assert "receipt 42, invoice INVB111-2568-000001, amount 1,070.00" in text


def test_the_500_report_hides_posted_ids_and_phones(rf, settings):
    """The e-mail to ADMINS and the debug page show POST data and frame
    variables: the exception reporter filter blanks IDs and phones there."""
    from django.views.debug import ExceptionReporter

    from core.redaction import PersonalDataExceptionReporterFilter

    settings.DEFAULT_EXCEPTION_REPORTER_FILTER = (
        "core.redaction.PersonalDataExceptionReporterFilter"
    )
    nid = factories.national_id(31)
    # (Not written out here: the report quotes the source lines around a frame.)
    request = rf.post("/accounts/signup/", {"national_id": nid, "phone": REPORT_PHONE,
                                             "first_name": "สมหญิง"})  # fmt: skip
    try:
        national_id = nid  # noqa: F841 - a frame variable the report would show
        raise RuntimeError("boom")
    except RuntimeError as exc:
        reporter = ExceptionReporter(request, type(exc), exc, exc.__traceback__)
        assert isinstance(reporter.filter, PersonalDataExceptionReporterFilter)
        html = reporter.get_traceback_html()
        text = reporter.get_traceback_text()
    for page in (html, text):
        assert nid not in page and REPORT_PHONE not in page
        assert "first_name" in page and reporter.filter.cleansed_substitute in page


# Masked in lists, full on purpose ---------------------------------------------------


def test_lists_show_ids_and_phones_masked(
    client, customer, counter, technician, office, submitted_request
):
    from requests_app.models import Appointment

    Appointment.objects.create(
        request=submitted_request, kind="survey", assignee=technician,
        scheduled_for=submitted_request.created_at.replace(year=2100),
    )  # fmt: skip
    nid, phone = customer.profile.national_id, customer.phone
    client.force_login(counter)
    pages = [reverse("staff:queue"), submitted_request.staff_url()]
    client.force_login(technician)
    # My appointments' open work is the technician's own visit: it has the
    # tel: link to call the customer, as the request's page has (issue 18);
    # the finished tab needs no call and masks the number.
    my_work = reverse("staff:my_work")
    pages_tech = [my_work, my_work + "?tab=done"]
    Appointment.objects.create(
        request=submitted_request, kind="survey", assignee=technician,
        scheduled_for=submitted_request.created_at.replace(year=2000), status="done",
    )  # fmt: skip
    for user, urls in ((counter, pages), (technician, pages_tech)):
        client.force_login(user)
        for url in urls:
            html = client.get(url).content.decode()
            assert nid not in html, url
            if url in (submitted_request.staff_url(), my_work):  # tel: links
                assert f'href="tel:{phone}"' in html, url
                continue
            assert phone not in html, url
            assert f"{phone[:3]}-XXX-{phone[-4:]}" in html, url
    client.force_login(counter)
    html = client.get(submitted_request.staff_url()).content.decode()
    assert f"X-XXXX-XXXXX-{nid[10:12]}-{nid[12]}" in html
    assert "data-reveal-id" in html
    client.force_login(technician)
    assert (
        "data-reveal-id"
        not in client.get(submitted_request.staff_url()).content.decode()
    )


def test_showing_a_full_id_is_an_explicit_recorded_act(
    client, customer, counter, technician, other_counter, supervisor, submitted_request
):
    url = reverse("staff:identity", args=[submitted_request.reference])
    nid = customer.profile.national_id
    client.force_login(counter)
    assert client.get(url).status_code == 405  # never by a link or a prefetch
    refused = client.post(url, {})
    assert refused.status_code == 302 and not PersonalDataAccess.objects.exists()
    response = client.post(url, {"reason": "identity"}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"{nid[0]}-{nid[1:5]}-{nid[5:10]}-{nid[10:12]}-{nid[12]}" in html
    assert "no-store" in response["Cache-Control"]
    record = PersonalDataAccess.objects.get()
    assert (record.accessed_by, record.subject, record.field, record.reason) == (
        counter,
        customer,
        "national_id",
        "identity",
    )
    assert record.office == counter.office
    assert record.reference == submitted_request.reference
    assert record.accessed_at.tzinfo is not None
    assert record.accessed_at.astimezone(UTC).utcoffset().total_seconds() == 0
    assert "staff:detail" in record.source

    client.force_login(technician)  # field staff: no need
    assert client.post(url, {"reason": "identity"}).status_code == 403
    client.force_login(other_counter)  # another office: not their customer
    assert client.post(url, {"reason": "identity"}).status_code == 404
    assert PersonalDataAccess.objects.count() == 1


def test_a_juristic_registration_number_is_masked_and_revealed_the_same_way(
    client, counter, office
):
    customer = factories.CustomerFactory(
        username="acme", profile__kind="juristic", profile__national_id="",
        profile__company_name="ACME Co., Ltd.",
        profile__juristic_registration_no="0105556012345",
    )  # fmt: skip
    req = factories.submit_request(customer=customer, office=office)
    client.force_login(counter)
    html = client.get(req.staff_url()).content.decode()
    assert "0105556012345" not in html and "X-XXXX-XXXXX-34-5" in html
    html = client.post(reverse("staff:identity", args=[req.reference]),
                       {"reason": "contract"}).content.decode()  # fmt: skip
    assert "0-1055-56012-34-5" in html
    assert PersonalDataAccess.objects.get().field == "juristic_registration_no"


def test_supervisors_read_the_audit_of_their_offices_only(
    client, customer, counter, other_counter, supervisor, submitted_request,
    django_assert_max_num_queries,
):  # fmt: skip
    from accounts.audit import identity_reveal

    for user in (counter, other_counter):
        identity_reveal(user=user, profile=customer.profile, reason="identity",
                        source="test", reference=submitted_request.reference)  # fmt: skip
    client.force_login(counter)
    assert client.get(reverse("staff:personal_data_audit")).status_code == 403
    client.force_login(supervisor)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("staff:personal_data_audit"))
    rows = response.context["page"].object_list
    assert [r.accessed_by for r in rows] == [counter]  # not the other province's
    assert customer.profile.national_id not in response.content.decode()


def test_the_admin_never_shows_a_full_id_and_masks_customer_logins(
    admin_client, customer
):
    nid = customer.profile.national_id
    page = admin_client.get(reverse("admin:accounts_user_change", args=[customer.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and nid not in html
    assert f"X-XXXX-XXXXX-{nid[10:12]}-{nid[12]}" in html
    customer.username = customer.phone
    customer.save(update_fields=["username"])
    listing = admin_client.get(reverse("admin:accounts_user_changelist"))
    assert customer.phone not in listing.content.decode()


def test_the_admin_replaces_an_id_without_reading_it_back(customer):
    from accounts.admin import ProfileForm

    profile = customer.profile
    old = profile.national_id
    form = ProfileForm(instance=profile)
    assert old not in str(form) and "national_id" not in form.fields
    data = {"kind": "individual", "company_name": "", "vat_number": "",
            "address": "x", "new_national_id": "1-2345-67890-12-0"}  # fmt: skip
    assert not ProfileForm(data, instance=profile).is_valid()  # bad checksum
    form = ProfileForm({**data, "new_national_id": factories.national_id(8080)},
                       instance=profile)  # fmt: skip
    assert form.is_valid(), form.errors
    form.save()
    profile.refresh_from_db()
    assert profile.national_id == factories.national_id(8080)
    form = ProfileForm({**data, "new_national_id": ""}, instance=profile)
    assert form.is_valid() and form.save().national_id == factories.national_id(8080)


def test_celery_tasks_take_ids_not_personal_data():
    import importlib

    from pea_portal.celery import app

    for module in ("notifications", "payments", "sla", "fakepay"):
        importlib.import_module(f"{module}.tasks")
    ours = {n: t for n, t in app.tasks.items() if not n.startswith("celery.")}
    assert ours
    import inspect

    for name, task in ours.items():
        for param in inspect.signature(task.run).parameters:
            assert param.endswith(("_id", "_pk", "pk")) or param in ("kind", "self"), (
                name,
                param,
            )


def test_every_configured_log_handler_blanks_personal_data(settings):
    """The filter is wired into every handler of settings.LOGGING (a logger's
    filters are skipped by records of its children; a handler's are not)."""
    import logging.config

    handlers = settings.LOGGING["handlers"]
    assert handlers and all(
        "redact_personal_data" in h.get("filters", []) for h in handlers.values()
    ), handlers
    assert settings.DEFAULT_EXCEPTION_REPORTER_FILTER.startswith("core.redaction.")
    configurator = logging.config.DictConfigurator(settings.LOGGING)
    made = configurator.configure_filter(
        settings.LOGGING["filters"]["redact_personal_data"]
    )
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "ID %s phone %s",
                               (factories.national_id(5), "0812345678"), None)  # fmt: skip
    made.filter(record)
    assert record.getMessage() == "ID [ID] phone [PHONE]"


# Customers' documents (issue 15) ------------------------------------------------------


def _document(req, code):
    return req.documents.get(document_type__code=code)


def _download(client, user, document):
    client.force_login(user)
    response = client.get(reverse("requests:document", args=[document.token]))
    if response.status_code == 200:
        b"".join(response.streaming_content)
    return response.status_code


def test_field_staff_may_not_download_identity_documents(
    client, surveyor, technician, counter, submitted_request
):
    """Those who may not reveal an ID may not read it off the card's scan
    or the house registration either; their own work's documents they do."""
    for user in (surveyor, technician):
        for code in ("id-card", "house-registration"):
            assert _download(client, user, _document(submitted_request, code)) == 403
        assert (
            _download(client, user, _document(submitted_request, "sketch-map")) == 200
        )
        page = client.get(submitted_request.staff_url()).content.decode()
        assert _document(submitted_request, "id-card").token not in page
        assert _document(submitted_request, "sketch-map").token in page
    assert _download(client, counter, _document(submitted_request, "id-card")) == 200
    assert list(
        PersonalDataAccess.objects.order_by("id").values_list(
            "accessed_by__username", "document_type"
        )
    ) == [("sam", "sketch-map"), ("tom", "sketch-map"), ("charlie", "id-card")]


def test_every_staff_download_is_recorded_and_listed_for_supervisors(
    client, customer, counter, other_counter, supervisor, submitted_request
):
    id_card = _document(submitted_request, "id-card")
    deed = _document(submitted_request, "premises-right")
    assert _download(client, customer, id_card) == 200  # their own: not recorded
    assert _download(client, other_counter, deed) == 404  # not their office
    assert not PersonalDataAccess.objects.exists()

    assert _download(client, counter, deed) == 200
    assert _download(client, counter, id_card) == 200

    records = list(PersonalDataAccess.objects.order_by("id"))
    assert [
        (r.kind, r.accessed_by, r.office, r.subject, r.document_type, r.reference)
        for r in records
    ] == [
        (
            "download",
            counter,
            counter.office,
            customer,
            code,
            submitted_request.reference,
        )
        for code in ("premises-right", "id-card")
    ]
    assert all(r.accessed_at.tzinfo is not None for r in records)
    client.force_login(supervisor)
    response = client.get(
        reverse("staff:personal_data_audit"), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = response.content.decode()
    assert [r.pk for r in response.context["page"].object_list] == [
        r.pk for r in reversed(records)
    ]
    assert html.count('data-kind="download"') == 2
    assert f"Document downloaded: {id_card.document_type.name_en}" in html


def test_every_catalog_type_showing_an_id_is_an_identity_document():
    from requests_app.models import IDENTITY_DOCUMENT_TYPES, DocumentType

    shows_id = re.compile(r"บัตรประ|ทะเบียนบ้าน|ID card|house registration", re.I)
    types = DocumentType.objects.all()
    assert types.exists()
    for document_type in types:
        named = shows_id.search(f"{document_type.name_th} {document_type.name_en}")
        assert bool(named) == document_type.is_identity, document_type.code
    assert IDENTITY_DOCUMENT_TYPES <= {t.code for t in types}
