"""The staff steps of every flow: one action form's data to its service."""

from django.http import Http404
from django.utils.translation import gettext as _

from core.errors import ServiceError
from meters.services import (
    adjusted_bill_order_disconnection,
    broken_meter_book,
    broken_meter_raise_debt,
    broken_meter_replace,
    covers_quote,
    covers_record,
    installation_record,
    meter_test_install_comparison,
    meter_test_record_result,
    reconnection_record_done,
)
from payments.services import (
    deposit_record_call,
    deposit_record_meter_removal,
    deposit_record_payout,
    deposit_settle,
    estimate_send,
    payment_record_cash,
    refund_record_paid,
    request_quote_fees,
)
from requests_app import services


def staff_action_perform(name, form, req, user, expected):
    """Take the staff step `name` on `req` with a valid action form's data,
    through its service (the web's staff page and the API's transition
    operation alike); `expected` is the state the person saw."""
    data = form.cleaned_data
    common = {"request": req, "user": user, "expected_state": expected}
    if name == "accept":
        return services.request_accept(
            **common,
            note=data.get("note", ""),
            issued_on=form.issued_on() if hasattr(form, "issued_on") else None,
        )
    if name == "return_for_documents":
        return services.request_return_for_documents(**common, reason=data["reason"])
    if name == "reject":
        return services.request_reject(**common, reason=data["reason"])
    if name == "cancel":
        return services.request_cancel(**common, reason=data["reason"])
    if name == "book_survey":
        return services.request_book_survey(
            **common,
            scheduled_for=data["scheduled_for"],
            assignee=data.get("assignee"),
            note=data.get("note", ""),
        )
    if name == "book_installation":
        return services.request_book_installation(
            **common,
            scheduled_for=data["scheduled_for"],
            assignee=data.get("assignee"),
            note=data.get("note", ""),
        )
    if name in ("record_survey_passed", "record_survey_failed"):
        return services.request_record_survey(
            **common,
            passed=name == "record_survey_passed",
            findings=data.get("findings", ""),
            checks=form.checks() if hasattr(form, "checks") else None,
        )
    if name == "quote_fees" and req.service.flow == "covers":
        return covers_quote(**common, note=data.get("note", ""))
    if name == "send_first_notice":
        delivery = dict(form.fields["delivery"].choices)[data["delivery"]]
        note = f"{delivery}. {data.get('note', '')}".strip()
        return services.request_step(**common, name=name, note=note)
    if name in ("send_second_notice", "acknowledge"):
        return services.request_step(**common, name=name, note=data.get("note", ""))
    if name == "resolve":
        return services.request_finish(**common, name=name, note=data["reason"])
    if name == "order_disconnection":
        return adjusted_bill_order_disconnection(**common, note=data.get("note", ""))
    if name == "raise_debt":
        return broken_meter_raise_debt(**common, **data)
    if name == "book_replacement":
        return broken_meter_book(
            **common,
            scheduled_for=data["scheduled_for"],
            assignee=data.get("assignee"),
            note=data.get("note", ""),
        )
    if name == "record_replacement":
        return broken_meter_replace(**common, **data)
    if name == "book_covers":
        return services.request_book_covers(
            **common,
            scheduled_for=data["scheduled_for"],
            assignee=data.get("assignee"),
            note=data.get("note", ""),
        )
    if name in ("install_covers", "remove_covers"):
        return covers_record(**common, name=name, note=data.get("note", ""))
    if name == "quote_fees":
        return request_quote_fees(**common, note=data.get("note", ""))
    if name == "record_payment":
        invoice = next((i for i in req.invoices.all() if i.status == "unpaid"), None)
        if invoice is None:
            raise ServiceError(_("There is no unpaid invoice for this request."))
        return payment_record_cash(invoice=invoice, user=user, amount=data["amount"])
    if name == "book_test":
        return services.request_book_test(
            **common,
            scheduled_for=data["scheduled_for"],
            assignee=data.get("assignee"),
            note=data.get("note", ""),
        )
    if name == "install_comparison":
        return meter_test_install_comparison(**common, **data)
    if name in ("record_test_normal", "record_test_faulty"):
        return meter_test_record_result(
            **common, faulty=name == "record_test_faulty", **data
        )
    if name == "record_survey":
        return services.request_record_site_survey(
            **common, findings=data.get("findings", "")
        )
    if name == "send_estimate":
        return estimate_send(**common, **data)
    if name == "start_construction":
        return services.request_start_construction(
            **common,
            scheduled_for=data["scheduled_for"],
            assignee=data.get("assignee"),
            note=data.get("note", ""),
        )
    if name == "approve":
        return services.request_approve(**common, note=data.get("note", ""))
    if name == "request_budget":
        return services.request_budget_request(**common, **data)
    if name == "approve_budget":
        return services.request_budget_approve(**common, **data)
    if name == "record_call":
        return deposit_record_call(**common, note=data.get("note", ""))
    if name == "announce_outage":
        return services.request_announce_outage(**common, **data)
    if name in ("finish_construction", "finish_work"):
        return services.request_finish(**common, name=name, note=data.get("note", ""))

    if name == "record_meter_removal":
        return deposit_record_meter_removal(**common, **data)
    if name == "settle":
        return deposit_settle(**common, **data)
    if name == "record_payout":
        return deposit_record_payout(**common, **data)
    if name == "record_reconnection":
        return reconnection_record_done(**common, note=data.get("note", ""))
    if name == "record_refund":
        return refund_record_paid(**common, note=data.get("note", ""))
    if name == "record_installation":
        return installation_record(
            **common, serial=data["serial"], first_reading=data["first_reading"]
        )
    raise Http404
