"""The customer's pages of their electricity accounts and bills (/bills/)."""

from django.urls import path  # noqa: F401

from bills import pay_views

app_name = "bills"

urlpatterns: list = [
    # My accounts: link, name, unlink (bills.account_views).
    # An account's bills, a bill, its PDF, the usage chart (bills.bill_views).
    # Paying bills (bills.pay_views).
    path("pay/", pay_views.pay, name="pay"),
]
