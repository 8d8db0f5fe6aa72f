"""Staff pages about accounts and bills (/staff/bills/): linking an account
for a walk-in customer, cash for bills at the counter, billing imports."""

from django.urls import path

from bills import account_views, import_views, pay_views

app_name = "bills_staff"

urlpatterns: list = [
    # Cash for any account's bills (bills.pay_views).
    path("counter/", pay_views.counter, name="counter"),
    path("link/", account_views.walk_in_link, name="link"),
    # The billing system's export files, for administrators (bills.import_views).
    path("imports/", import_views.imports, name="imports"),
    path("imports/<int:pk>/", import_views.billing_import, name="import"),
]
