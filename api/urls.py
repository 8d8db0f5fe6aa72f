from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api.apis import (
    auth,
    bill_accounts,
    bill_payments,
    bills,
    catalog,
    customer,
    payments,
    requests,
    staff,
)
from api.docs import RedocView, SwaggerView

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", RedocView.as_view(url_name="api:schema"), name="redoc"),
    path("auth/tokens/", auth.TokenCreateApi.as_view(), name="token_create"),
    path("auth/tokens/current/", auth.TokenRevokeApi.as_view(), name="token_revoke"),
    path("catalog/services/", catalog.ServiceListApi.as_view(), name="services"),
    path(
        "catalog/services/<slug:code>/",
        catalog.ServiceDetailApi.as_view(),
        name="service",
    ),
    path(
        "catalog/services/<slug:code>/requests/",
        requests.RequestFileApi.as_view(),
        name="request_file",
    ),
    path("catalog/offices/", customer.OfficeListApi.as_view(), name="offices"),
    path(
        "catalog/meter-sizes/", customer.MeterSizeListApi.as_view(), name="meter_sizes"
    ),
    path(
        "catalog/feedback-categories/",
        customer.CategoryListApi.as_view(),
        name="categories",
    ),
    path("me/accounts/", customer.AccountListApi.as_view(), name="accounts"),
    path("accounts/", bill_accounts.BillAccountListApi.as_view(), name="bill_accounts"),
    path(
        "accounts/links/",
        bill_accounts.BillAccountLinkApi.as_view(),
        name="bill_account_link",
    ),
    path(
        "accounts/<str:ca>/settings/",
        bill_accounts.BillAccountUpdateApi.as_view(),
        name="bill_account_update",
    ),
    path(
        "accounts/<str:ca>/link/",
        bill_accounts.BillAccountUnlinkApi.as_view(),
        name="bill_account_unlink",
    ),
    path(
        "accounts/<str:ca>/bills/",
        bills.AccountBillListApi.as_view(),
        name="bill_list",
    ),
    path(
        "accounts/<str:ca>/usage/",
        bills.AccountUsageApi.as_view(),
        name="bill_usage",
    ),
    path("bills/<str:number>/", bills.BillDetailApi.as_view(), name="bill"),
    path("bills/<str:number>/pdf/", bills.BillPdfApi.as_view(), name="bill_pdf"),
    path(
        "me/notifications/",
        customer.NotificationListApi.as_view(),
        name="notifications",
    ),
    path("requests/", requests.RequestListApi.as_view(), name="requests"),
    path(
        "requests/<str:reference>/", requests.RequestDetailApi.as_view(), name="request"
    ),
    path(
        "requests/<str:reference>/documents/",
        requests.DocumentUploadApi.as_view(),
        name="request_documents",
    ),
    path(
        "requests/<str:reference>/rating/",
        requests.RatingCreateApi.as_view(),
        name="request_rating",
    ),
    path("invoices/", payments.InvoiceListApi.as_view(), name="invoices"),
    path("invoices/<str:number>/", payments.InvoiceDetailApi.as_view(), name="invoice"),
    path(
        "invoices/<str:number>/payments/",
        payments.PaymentStartApi.as_view(),
        name="invoice_pay",
    ),
    path(
        "bill-payments/",
        bill_payments.BillPaymentStartApi.as_view(),
        name="bill_payments",
    ),
    path(
        "receipts/<str:number>/pdf/",
        payments.ReceiptPdfApi.as_view(),
        name="receipt_pdf",
    ),
    path("outages/", customer.OutageReportApi.as_view(), name="outages"),
    path("outages/<str:token>/", customer.OutageStatusApi.as_view(), name="outage"),
    path("voice/", customer.VoiceCreateApi.as_view(), name="voice"),
    path("staff/queue/", staff.QueueApi.as_view(), name="queue"),
    path(
        "staff/requests/<str:reference>/transitions/",
        staff.TransitionListApi.as_view(),
        name="transitions",
    ),
    path(
        "staff/requests/<str:reference>/transitions/<slug:name>/",
        staff.TransitionPerformApi.as_view(),
        name="transition",
    ),
]
