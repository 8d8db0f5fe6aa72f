"""What the API views share: the base view (token or session auth, the error
shape documented on every operation), cursor pagination, and the output
serializers several operations return."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import permissions, serializers
from rest_framework.pagination import CursorPagination
from rest_framework.views import APIView

from api.errors import ErrorSerializer
from core.language import localized


class Cursor(CursorPagination):
    page_size = 20
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering = ("-created_at", "-id")


ERRORS = {
    code: OpenApiResponse(ErrorSerializer, description=text)
    for code, text in (
        (400, "Invalid input"),
        (401, "Not authenticated"),
        (403, "Not allowed"),
        (404, "Not found"),
        (409, "Refused in the current state"),
        (429, "Too many requests"),
    )
}


def responses(ok: dict, *codes) -> dict:
    """Success responses plus the documented error shape for each code."""
    return {**ok, **{c: ERRORS[c] for c in codes}}


class Api(APIView):
    """One operation. Authenticated by default (token or session). Its nested
    InputSerializer / OutputSerializer are named after it in the schema."""

    permission_classes = [permissions.IsAuthenticated]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        base = cls.__name__.removesuffix("Api")
        for attr, suffix in (
            ("InputSerializer", "Input"),
            ("OutputSerializer", "Output"),
        ):
            nested = cls.__dict__.get(attr)
            if nested is not None:
                extend_schema_serializer(component_name=base + suffix)(nested)


class CustomerOnly(permissions.BasePermission):
    message = _("This is for customers; staff use the staff operations.")

    def has_permission(self, request, view):
        return bool(request.user.is_authenticated and not request.user.is_office_staff)


class StaffOnly(permissions.BasePermission):
    message = _("This page is for PEA staff.")

    def has_permission(self, request, view):
        return bool(request.user.is_authenticated and request.user.is_office_staff)


def paged(inner):
    """The documented shape of a cursor page of `inner` items."""
    return type(
        inner.__name__.removesuffix("Out") + "Page",
        (serializers.Serializer,),
        {
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": inner(many=True),
        },
    )


def paginate(view, request, queryset, serializer_cls, ordering=None):
    paginator = Cursor()
    if ordering:
        paginator.ordering = ordering
    page = paginator.paginate_queryset(queryset, request, view=view)
    data = serializer_cls(page, many=True, context={"request": request}).data
    return paginator.get_paginated_response(data)


# Shared output -------------------------------------------------------------------


class EventOut(serializers.Serializer):
    at = serializers.DateTimeField(source="created_at")
    kind = serializers.CharField()
    action = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    message = serializers.CharField(
        source="shown_message", help_text="What the customer was told."
    )
    note = serializers.SerializerMethodField(
        help_text="Internal note: staff only (empty for the customer)."
    )
    by_staff = serializers.SerializerMethodField()

    def get_by_staff(self, event) -> bool:
        return bool(event.actor and event.actor.is_office_staff)

    def get_note(self, event) -> str:
        request = self.root.context.get("request")
        viewer = getattr(request, "user", None)
        return event.shown_note if getattr(viewer, "is_office_staff", False) else ""


class ClockOut(serializers.Serializer):
    step = serializers.CharField(source="step_code")
    name = serializers.SerializerMethodField()
    status = serializers.CharField()
    started_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    stopped_at = serializers.DateTimeField(allow_null=True)
    smart_plus = serializers.IntegerField(source="policy.smart_plus", allow_null=True)

    def get_name(self, clock) -> str:
        return localized(clock.policy, "name")


class RequestSummaryOut(serializers.Serializer):
    reference = serializers.CharField()
    service = serializers.CharField(source="service.code")
    service_name = serializers.CharField(source="service.name")
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    office = serializers.CharField(source="office.code")
    created_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)


class RequestOut(RequestSummaryOut):
    premises_address = serializers.CharField()
    premises_province = serializers.CharField()
    meter_size = serializers.CharField(source="meter_size.code")
    ca_number = serializers.CharField(
        source="account.ca_number", allow_null=True, default=None
    )
    contact_phone = serializers.CharField()
    note = serializers.CharField()
    step = serializers.SerializerMethodField()
    promise = serializers.SerializerMethodField()
    timeline = EventOut(source="events.all", many=True)
    clocks = ClockOut(source="clocks.all", many=True)
    documents = serializers.SerializerMethodField()
    invoices = serializers.SerializerMethodField()

    def get_step(self, r) -> str:
        from requests_app.display import step_text

        return str(step_text(r))

    def get_promise(self, r) -> str:
        from requests_app.display import promise_text

        return str(promise_text(r))

    def get_documents(self, r) -> list[dict]:
        return [
            {
                "type": d.document_type.code,
                "name": d.original_name,
                "uploaded_at": d.uploaded_at.isoformat(),
            }
            for d in r.documents.all()
        ]

    def get_invoices(self, r) -> list[str]:
        return [i.number for i in r.invoices.all()]


def schema(**kwargs):
    return extend_schema(**kwargs)
