from django.urls import path

from core import audit_views
from outages import views as outage_views
from payments import staff_views as payment_views
from requests_app import staff_views as views
from voc import views as voc_views

app_name = "staff"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("file/", views.file_walk_in, name="file"),
    path("phone-report/", views.file_phone_report, name="phone_report"),
    path("my-work/", views.my_work, name="my_work"),
    path("work-orders/", views.work_orders, name="work_orders"),
    path("outages/", outage_views.board, name="outages"),
    path("ratings/", voc_views.ratings, name="ratings"),
    path(
        "ratings/<int:pk>/complaint/",
        voc_views.complaint_from_rating,
        name="rating_complaint",
    ),
    path("outages/<str:number>/", outage_views.incident, name="outage"),
    path("settlements/", payment_views.settlements, name="settlements"),
    path("refunds/", payment_views.refunds, name="refunds"),
    path("cash/", payment_views.cash_summary, name="cash"),
    path("finance/daily.csv", payment_views.finance_daily_csv, name="finance_daily"),
    path(
        "refunds/<int:pk>/approve/",
        payment_views.refund_approve_view,
        name="refund_approve",
    ),
    path(
        "refunds/<int:pk>/paid-out/",
        payment_views.refund_paid_out_view,
        name="refund_paid_out",
    ),
    path("settlements/<int:pk>/", payment_views.settlement, name="settlement"),
    path(
        "settlements/rows/<int:pk>/<slug:action>/",
        payment_views.settlement_row_action,
        name="settlement_row",
    ),
    path(
        "work-orders/<int:pk>/assign/",
        views.work_order_assign_view,
        name="work_order_assign",
    ),
    path("disconnections/new/", views.disconnection_new, name="disconnection_new"),
    path("adjusted-bills/new/", views.adjusted_bill_new, name="adjusted_bill_new"),
    path("flows/<slug:flow>/", views.flow_graph, name="flow"),
    path("requests/<str:reference>/", views.detail, name="detail"),
    path("requests/<str:reference>/assign/", views.assign, name="assign"),
    path(
        "requests/<str:reference>/identity/",
        audit_views.identity_reveal,
        name="identity",
    ),
    path(
        "audit/personal-data/",
        audit_views.personal_data_audit,
        name="personal_data_audit",
    ),
    path("requests/<str:reference>/act/<slug:action>/", views.act, name="act"),
]
