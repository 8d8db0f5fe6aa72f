"""The customer's pages of their electricity accounts and bills (/bills/)."""

from django.urls import path

from bills import account_views, pay_views

app_name = "bills"

urlpatterns: list = [
    # My accounts: link, name, unlink (bills.account_views).
    path("accounts/", account_views.accounts, name="accounts"),
    path("accounts/add/", account_views.account_add, name="account_add"),
    path(
        "accounts/<str:ca>/settings/",
        account_views.account_settings,
        name="account_settings",
    ),
    path(
        "accounts/<str:ca>/unlink/",
        account_views.account_unlink,
        name="account_unlink",
    ),
    # An account's bills, a bill, its PDF, the usage chart (bills.bill_views).
    # Paying bills (bills.pay_views).
    path("pay/", pay_views.pay, name="pay"),
]
