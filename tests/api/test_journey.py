"""Through the API alone: a customer files a new connection with its
documents and adds one more, staff take it through their steps, the customer
pays through the fake provider and downloads the receipt."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _pdf(name):
    return SimpleUploadedFile(name, factories.PDF_BYTES, content_type="application/pdf")


def test_a_new_connection_from_filing_to_receipt(
    as_user, client, live_server, settings
):
    settings.FAKEPAY_CALLBACK_URL = live_server.url + "/payments/callback/"
    settings.FAKEPAY_SYNC = True
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the callback's task, inline
    tree = factories.office_tree()
    branch = tree["branch"]
    customer = factories.CustomerFactory(phone="0812345678")
    counter = factories.StaffFactory(username="charlie", office=branch)
    surveyor = factories.StaffFactory(username="sam", role="surveyor", office=branch)
    tech = factories.StaffFactory(username="tina", role="technician", office=branch)
    me, desk = as_user(customer), as_user(counter)

    service = me.get("/api/v1/catalog/services/new-connection/").json()
    required = [d for d in service["documents"]
                if d["required"] and d["applicant_kind"] in ("any", "individual")]  # fmt: skip
    assert required and service["fees"]
    offices = me.get("/api/v1/catalog/offices/").json()
    sizes = me.get("/api/v1/catalog/meter-sizes/").json()
    office_id = next(o["id"] for o in offices if o["code"] == branch.code)
    size_id = next(s["id"] for s in sizes if s["code"] == "5(15)-1")

    form = {
        "office": office_id, "premises_address": "12 ถ.มิตรภาพ อ.เมือง",
        "premises_province": "ขอนแก่น", "meter_size": size_id,
        "contact_phone": "0812345678",
        **{d["field"]: _pdf(f"{d['code']}.pdf") for d in required[:-1]},
    }  # fmt: skip
    missing = me.post("/api/v1/catalog/services/new-connection/requests/", form,
                      format="multipart")  # fmt: skip
    assert missing.status_code == 400
    assert required[-1]["field"] in missing.json()["error"]["fields"]
    form = {**form, **{d["field"]: _pdf(f"{d['code']}.pdf") for d in required}}
    filed = me.post("/api/v1/catalog/services/new-connection/requests/", form,
                    format="multipart")  # fmt: skip
    assert filed.status_code == 201, filed.content
    ref = filed.json()["reference"]
    assert filed.json()["state"] == "submitted" and filed.json()["clocks"]
    extra = me.post(f"/api/v1/requests/{ref}/documents/", {
        "document_type": str(required[0]["id"]), "file": _pdf("again.pdf"),
    }, format="multipart")  # fmt: skip
    assert extra.status_code == 201
    assert len(extra.json()["documents"]) == len(required) + 1

    def step(client, name, **data):
        response = client.post(f"/api/v1/staff/requests/{ref}/transitions/{name}/",
                               data, format="json")  # fmt: skip
        assert response.status_code == 200, (name, response.content)
        return response.json()

    names = [t["name"] for t in desk.get(
        f"/api/v1/staff/requests/{ref}/transitions/").json()]  # fmt: skip
    assert "accept" in names
    step(desk, "accept", expected_state="submitted")
    later = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    step(desk, "book_survey", scheduled_for=later, assignee=surveyor.pk)
    wiring = {f"check_{i}": "yes" for i in ("main_conductor", "ground_conductor",
                                             "main_breaker")}  # fmt: skip
    step(as_user(surveyor), "record_survey_passed", findings="ผ่าน", **wiring)
    quoted = step(desk, "quote_fees")
    assert quoted["state"] == "fees_quoted" and quoted["invoices"]

    number = quoted["invoices"][0]
    invoice = me.get(f"/api/v1/invoices/{number}/").json()
    assert invoice["thai_qr"]["payload"].startswith("000201")
    started = me.post(f"/api/v1/invoices/{number}/payments/")
    assert started.status_code == 201
    checkout = started.json()["checkout_url"]
    client.post(checkout.replace("http://testserver", ""), {"action": "pay"})
    paid = me.get(f"/api/v1/invoices/{number}/").json()
    assert paid["status"] == "paid" and paid["receipts"] and paid["thai_qr"] is None
    assert me.get(f"/api/v1/requests/{ref}/").json()["state"] == "paid"

    from payments.models import Receipt
    from payments.receipts import receipt_render_one

    receipt = Receipt.objects.get(number=paid["receipts"][0])
    receipt_render_one(receipt_id=receipt.pk)  # rendered already by the task
    pdf = me.get(f"/api/v1/receipts/{receipt.number}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")

    step(desk, "book_installation", scheduled_for=later, assignee=tech.pk)
    done = step(as_user(tech), "record_installation", serial="PEA0001",
                first_reading="0.0")  # fmt: skip
    assert done["state"] == "closed"
    rated = me.post(f"/api/v1/requests/{ref}/rating/", {"score": 5}, format="json")
    assert rated.status_code == 201
    timeline = me.get(f"/api/v1/requests/{ref}/").json()["timeline"]
    assert [e["to_state"] for e in timeline if e["kind"] == "transition"][
        -1
    ] == "closed"
