from django.urls import path

from payments import views

app_name = "payments"
urlpatterns = [
    path("callback/", views.provider_callback, name="callback"),
    path("pay/<str:number>/", views.pay_online, name="pay"),
    path("return/<str:number>/", views.payment_return, name="return"),
    path("return/<str:number>/status/", views.payment_status, name="status"),
    path("receipts/<str:number>/", views.receipt_download, name="receipt"),
    path("invoices/<str:number>/", views.invoice_pdf, name="invoice_pdf"),
    path("refunds/<str:number>/", views.refund_voucher, name="refund_voucher"),
    path(
        "receipts/verify/<str:number>/<str:sig>/", views.receipt_verify, name="verify"
    ),
]
