"""What the online-payment journeys share: fakepay calling the live server
back at once, a customer with an invoice for an accepted request, logged in
and on the request's page."""

from payments.services import request_quote_fees
from requests_app import services as rs
from tests import factories

PASSWORD = "correct-horse-battery"  # the factories' password


def customer_on_their_invoice(page, live_server, settings, *, phone: str):
    """The request and its unpaid invoice; the page is the request's."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.FAKEPAY_SYNC = True
    settings.FAKEPAY_CALLBACK_URL = live_server.url + "/payments/callback/"
    branch = factories.office_tree()["branch"]
    counter = factories.StaffFactory(username="charlie", office=branch)
    customer = factories.CustomerFactory(username=phone, phone=phone)
    req = rs.request_accept(
        request=factories.submit_request(customer=customer, office=branch), user=counter
    )
    invoice = request_quote_fees(request=req, user=counter)
    page.set_default_timeout(20_000)

    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", phone)
    page.fill("#id_password", PASSWORD)
    page.locator("main form.stack button[type=submit]").click()
    page.goto(live_server.url + req.get_absolute_url())
    return req, invoice
