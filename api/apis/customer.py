"""The rest of the customer side: my accounts and notifications, outage
reports, complaints and suggestions, and the reference lists the forms use
(offices, meter sizes, feedback categories)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import permissions, serializers, status
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.response import Response

from accounts.models import Office
from api.apis.common import (
    Api,
    CustomerOnly,
    RequestOut,
    paged,
    paginate,
    responses,
    schema,
)
from api.throttling import AnonRateThrottle
from core.security_log import client_ip
from meters.models import MeterSize
from meters.selectors import accounts_for_customer
from notifications.models import OutboxMessage
from outages import services as outage_services
from outages.models import Symptom
from outages.selectors import report_status, status_of
from requests_app import selectors
from voc.models import Category, Kind

# Reference lists ------------------------------------------------------------------


class OfficeOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class OfficeListApi(Api):
    """Branch offices (ids for filing)."""

    permission_classes = [permissions.AllowAny]

    @schema(
        operation_id="catalog_offices_list",
        responses=responses({200: OfficeOut(many=True)}, 429),
    )
    def get(self, request):
        qs = Office.objects.filter(kind=Office.Kind.BRANCH, is_active=True)
        return Response(OfficeOut(qs, many=True).data)


class MeterSizeOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    rating = serializers.CharField()
    phase = serializers.CharField()


class MeterSizeListApi(Api):
    """Meter sizes one may ask for."""

    permission_classes = [permissions.AllowAny]

    @schema(
        operation_id="catalog_meter_sizes_list",
        responses=responses({200: MeterSizeOut(many=True)}, 429),
    )
    def get(self, request):
        qs = MeterSize.objects.filter(is_active=True).order_by("sort_order")
        return Response(MeterSizeOut(qs, many=True).data)


class CategoryOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    department = serializers.CharField()


class CategoryListApi(Api):
    """Categories of complaints and suggestions."""

    permission_classes = [permissions.AllowAny]

    @schema(
        operation_id="catalog_feedback_categories_list",
        responses=responses({200: CategoryOut(many=True)}, 429),
    )
    def get(self, request):
        return Response(
            CategoryOut(Category.objects.filter(is_active=True), many=True).data
        )


# My accounts and notifications ----------------------------------------------------


class AccountOut(serializers.Serializer):
    id = serializers.IntegerField()
    ca_number = serializers.CharField()
    office = serializers.CharField(source="office.code")
    premises_address = serializers.CharField()
    meter_size = serializers.CharField(
        source="meter.size.code", allow_null=True, default=None
    )


class AccountListApi(Api):
    """My electricity accounts (CA numbers)."""

    permission_classes = [CustomerOnly]

    @schema(
        operation_id="me_accounts_list",
        responses=responses({200: AccountOut(many=True)}, 401, 403, 429),
    )
    def get(self, request):
        accounts = accounts_for_customer(request.user)
        return Response(AccountOut(accounts, many=True).data)


class NotificationOut(serializers.Serializer):
    id = serializers.IntegerField()
    channel = serializers.CharField()
    event = serializers.CharField()
    subject = serializers.CharField()
    body = serializers.CharField()
    reference = serializers.CharField(
        source="request.reference", allow_null=True, default=None
    )
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class NotificationListApi(Api):
    """The SMS and e-mail messages sent to me, newest first."""

    @schema(
        operation_id="me_notifications_list",
        responses=responses({200: paged(NotificationOut)}, 401, 429),
    )
    def get(self, request):
        qs = OutboxMessage.objects.filter(recipient=request.user).select_related(
            "request"
        )
        return paginate(self, request, qs, NotificationOut)


# Outage reports -------------------------------------------------------------------


class OutageThrottle(AnonRateThrottle):
    scope = "outage"


class UpdateOut(serializers.Serializer):
    kind = serializers.CharField()
    message = serializers.CharField()
    eta = serializers.DateTimeField(allow_null=True)
    at = serializers.DateTimeField(source="created_at")


class OutageOut(serializers.Serializer):
    """Serialises outages.selectors.ReportStatus (merges already followed)."""

    token = serializers.CharField(source="report.token")
    symptom = serializers.CharField(source="report.symptom")
    danger = serializers.BooleanField(source="report.danger")
    created_at = serializers.DateTimeField(source="report.created_at")
    incident = serializers.CharField(source="incident.number")
    status = serializers.CharField(source="incident.status")
    eta = serializers.DateTimeField(source="incident.eta", allow_null=True)
    restored_at = serializers.DateTimeField(
        source="incident.restored_at", allow_null=True
    )
    updates = UpdateOut(many=True)


class OutageReportApi(Api):
    """Report an outage, logged in or as a visitor with a phone number: by CA
    number, address or coordinates."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [OutageThrottle]
    parser_classes = [JSONParser, FormParser]

    class InputSerializer(serializers.Serializer):
        symptom = serializers.ChoiceField(choices=Symptom.choices)
        ca_number = serializers.RegexField(
            r"^[0-9]{9,12}$",
            required=False,
            max_length=12,
            error_messages={"invalid": gettext_lazy("A CA number has 9 to 12 digits.")},
        )
        office = serializers.IntegerField(required=False)
        address = serializers.CharField(
            required=False, max_length=500, allow_blank=True
        )
        lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
        lon = serializers.FloatField(required=False, min_value=-180, max_value=180)
        note = serializers.CharField(required=False, max_length=500, allow_blank=True)
        name = serializers.CharField(required=False, max_length=120, allow_blank=True)
        phone = serializers.CharField(required=False, max_length=20)

    @schema(
        operation_id="outages_create",
        request=InputSerializer,
        responses=responses({201: OutageOut}, 400, 429),
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        office = None
        if d.get("office") is not None:
            office = Office.objects.filter(pk=d["office"], kind="branch").first()
            if office is None:
                raise ValidationError({"office": _("No branch has this id.")})
        user = request.user if request.user.is_authenticated else None
        if user is not None and user.is_office_staff:
            user = None  # staff report as visitors, with a phone
        # The phone is checked (Thai mobile, normalised) and the CA number
        # matched by the service, as for the web form and Open311: an unknown
        # CA number gets the same answer as a known one.
        report = outage_services.outage_report(
            symptom=d["symptom"],
            ca_number=d.get("ca_number", ""),
            office=office,
            reporter=user,
            name=d.get("name", ""),
            phone=d.get("phone", ""),
            address=d.get("address", ""),
            lat=d.get("lat"),
            lon=d.get("lon"),
            note=d.get("note", ""),
            language=(request.LANGUAGE_CODE or "th")[:2],
            ip_address=client_ip(request),
        )
        return Response(
            OutageOut(status_of(report)).data, status=status.HTTP_201_CREATED
        )


class OutageStatusApi(Api):
    """The status of a report: its incident, estimate and updates."""

    permission_classes = [permissions.AllowAny]

    @schema(
        operation_id="outages_retrieve", responses=responses({200: OutageOut}, 404, 429)
    )
    def get(self, request, token):
        return Response(OutageOut(report_status(token)).data)


# Complaints, suggestions, compliments --------------------------------------------


class VoiceCreateApi(Api):
    """Tell us: a complaint (acknowledged in 1 working day, resolved in 15),
    a suggestion or a compliment. It becomes one of my requests."""

    permission_classes = [CustomerOnly]
    parser_classes = [JSONParser, FormParser]

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=Kind.choices)
        category = serializers.IntegerField()
        office = serializers.IntegerField()
        subject = serializers.CharField(max_length=200)
        body = serializers.CharField(max_length=3000)
        about = serializers.CharField(required=False, help_text="A request reference")

    @schema(
        operation_id="voice_create",
        request=InputSerializer,
        responses=responses({201: RequestOut}, 400, 401, 403, 429),
    )
    def post(self, request):
        from voc.services import voice_submit

        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        category = Category.objects.filter(pk=d["category"], is_active=True).first()
        office = Office.objects.filter(pk=d["office"], kind="branch").first()
        errors = {}
        if category is None:
            errors["category"] = [_("No such category.")]
        if office is None:
            errors["office"] = [_("No branch has this id.")]
        about = None
        if d.get("about"):
            about = (
                selectors.request_list_for_customer(request.user)
                .filter(reference=d["about"])
                .first()
            )
            if about is None:
                errors["about"] = [_("Choose one of your own requests.")]
        if errors:
            raise ValidationError(errors)
        filed = voice_submit(
            customer=request.user,
            kind=d["kind"],
            category=category,
            office=office,
            subject=d["subject"],
            body=d["body"],
            about=about,
        )
        detail = selectors.request_get_for_customer(request.user, filed.reference)
        return Response(RequestOut(detail).data, status=status.HTTP_201_CREATED)
