"""Staff pages about accounts and bills (/staff/bills/): linking an account
for a walk-in customer, cash for bills at the counter, billing imports."""

from django.urls import path  # noqa: F401

app_name = "bills_staff"

urlpatterns: list = []
