"""The customer's pages of their electricity accounts and bills (/bills/)."""

from django.urls import path

from bills import account_views, bill_views, pay_views

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
    # An account's bills and usage, a bill, its PDF (bills.bill_views); after
    # accounts/add/, which a CA number never is.
    path("accounts/<str:ca>/", bill_views.account, name="account"),
    path("bill/<str:number>/", bill_views.bill, name="bill"),
    path("bill/<str:number>/pdf/", bill_views.bill_pdf, name="bill_pdf"),
    # Paying bills (bills.pay_views).
    path("pay/", pay_views.pay, name="pay"),
]
