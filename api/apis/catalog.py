"""The catalog and charter: services, their steps and promised times, the
documents they need and the fees in force. Public."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework import permissions, serializers
from rest_framework.response import Response

from api.apis.common import Api, responses, schema
from payments.selectors import fees_in_force
from requests_app.models import ServiceDocument, ServiceType


def _services():
    return ServiceType.objects.filter(is_active=True).prefetch_related(
        "steps",
        Prefetch(
            "documents",
            queryset=ServiceDocument.objects.select_related("document_type"),
        ),
    )


class StepOut(serializers.Serializer):
    code = serializers.CharField()
    actor = serializers.CharField()
    text = serializers.CharField()
    time_value = serializers.DecimalField(
        max_digits=8, decimal_places=2, allow_null=True
    )
    time_unit = serializers.CharField()


class DocumentOut(serializers.Serializer):
    id = serializers.IntegerField(source="document_type.id")
    field = serializers.SerializerMethodField(help_text="The file field to send")
    code = serializers.CharField(source="document_type.code")
    name = serializers.CharField(source="document_type.name")
    applicant_kind = serializers.CharField()
    required = serializers.BooleanField()

    def get_field(self, d) -> str:
        return f"doc_{d.document_type_id}"


class ServiceOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    charter_section = serializers.CharField()
    online = serializers.SerializerMethodField()
    escalation = serializers.CharField()
    steps = StepOut(source="steps.all", many=True)
    documents = DocumentOut(source="documents.all", many=True)

    def get_online(self, s) -> bool:
        return bool(s.flow) and s.started_by == ServiceType.StartedBy.CUSTOMER


class FeeOut(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.CharField()
    name = serializers.CharField()
    meter_size = serializers.CharField(
        source="meter_size.code", allow_null=True, default=None
    )
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class ServiceDetailOut(ServiceOut):
    fees = serializers.SerializerMethodField()

    def get_fees(self, s) -> FeeOut(many=True):
        return FeeOut(fees_in_force(s, on_date=timezone.localdate()), many=True).data


class ServiceListApi(Api):
    """Every service of the charter, with its steps and documents."""

    permission_classes = [permissions.AllowAny]

    @schema(
        operation_id="catalog_services_list",
        responses=responses({200: ServiceOut(many=True)}, 429),
    )
    def get(self, request):
        return Response(ServiceOut(_services(), many=True).data)


class ServiceDetailApi(Api):
    """One service, with the fees in force today."""

    permission_classes = [permissions.AllowAny]

    @schema(
        operation_id="catalog_services_retrieve",
        responses=responses({200: ServiceDetailOut}, 404, 429),
    )
    def get(self, request, code):
        return Response(
            ServiceDetailOut(get_object_or_404(_services(), code=code)).data
        )
