"""The customer's requests: file one (with its documents), list mine, read
one with its timeline and live promises, add a document, rate a closed one."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from api.apis.common import (
    Api,
    CustomerOnly,
    RequestOut,
    RequestSummaryOut,
    paged,
    paginate,
    responses,
    schema,
)
from api.errors import form_errors
from requests_app import selectors, services
from requests_app.filing import file_from_form, filing_form
from requests_app.forms import DocumentUploadForm
from requests_app.models import ServiceType


class RequestFileApi(Api):
    """File a request for a service, with its documents, as the web form does
    (same fields, same checks). Send multipart/form-data; each document is a
    file field named `doc_<document type id>` (GET the service in the catalog
    for the ids and which are required). Services about an account take
    `account` (the id from GET /me/accounts/)."""

    permission_classes = [CustomerOnly]
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        office = serializers.IntegerField(help_text="Branch id (GET /catalog/offices/)")
        premises_address = serializers.CharField(required=False)
        premises_province = serializers.CharField(required=False)
        meter_size = serializers.IntegerField(
            required=False, help_text="GET /catalog/meter-sizes/"
        )
        account = serializers.IntegerField(required=False)
        contact_phone = serializers.CharField()
        preferred_date = serializers.DateField(required=False)
        by_representative = serializers.BooleanField(required=False)
        note = serializers.CharField(required=False)

    @schema(
        operation_id="requests_create",
        request={"multipart/form-data": InputSerializer},
        responses=responses({201: RequestOut}, 400, 401, 403, 404, 409, 429),
    )
    def post(self, request, code):
        service = get_object_or_404(ServiceType, code=code, is_active=True)
        if (
            not service.flow
            or service.started_by == ServiceType.StartedBy.PEA
            or service.flow == "complaint"
        ):
            raise NotFound
        form = filing_form(service, request.user, request.data, request.FILES)
        if form is None:
            raise ValidationError(
                {
                    "account": _(
                        "You have no electricity account this service applies "
                        "to. Link the account you have first "
                        "(POST /api/v1/accounts/links/)."
                    )
                }
            )
        if not form.is_valid():
            raise form_errors(form)
        created = file_from_form(service, form, request.user)
        detail = selectors.request_get_for_customer(request.user, created.reference)
        return Response(RequestOut(detail).data, status=status.HTTP_201_CREATED)


class RequestListApi(Api):
    """My requests, newest first (cursor pages)."""

    permission_classes = [CustomerOnly]

    @schema(
        operation_id="requests_list",
        parameters=[
            OpenApiParameter("state", str, description="Only requests in this state"),
            OpenApiParameter("service", str, description="Only this service (code)"),
        ],
        responses=responses({200: paged(RequestSummaryOut)}, 400, 401, 403, 429),
    )
    def get(self, request):
        qs = selectors.request_list_for_customer(request.user)
        if request.query_params.get("state"):
            qs = qs.filter(state=request.query_params["state"])
        if request.query_params.get("service"):
            qs = qs.filter(service__code=request.query_params["service"])
        return paginate(self, request, qs, RequestSummaryOut)


class RequestDetailApi(Api):
    """One of my requests: timeline, SLA clocks with their due times, the
    current step and promise."""

    permission_classes = [CustomerOnly]

    @schema(
        operation_id="requests_retrieve",
        responses=responses({200: RequestOut}, 401, 403, 404, 429),
    )
    def get(self, request, reference):
        req = selectors.request_get_for_customer(request.user, reference)
        return Response(RequestOut(req, context={"request": request}).data)


class DocumentUploadApi(Api):
    """Add a document to my request while it is submitted or returned."""

    permission_classes = [CustomerOnly]
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer):
        document_type = serializers.CharField(help_text="Document type id")
        file = serializers.FileField()

    @schema(
        operation_id="requests_documents_create",
        request={"multipart/form-data": InputSerializer},
        responses=responses({201: RequestOut}, 400, 401, 403, 404, 409, 429),
    )
    def post(self, request, reference):
        from core.errors import ServiceError

        req = selectors.request_get_for_customer(request.user, reference)
        if req.state not in ("submitted", "returned"):
            raise ServiceError(
                _("Documents can be added only before the request is accepted.")
            )
        form = DocumentUploadForm(
            request.data,
            request.FILES,
            document_types=selectors.document_types_for_request(req),
        )
        if not form.is_valid():
            raise form_errors(form)
        services.document_attach(
            request=req,
            document_type=form.types[form.cleaned_data["document_type"]],
            uploaded=form.cleaned_data["file"],
            user=request.user,
        )
        req = selectors.request_get_for_customer(request.user, reference)
        return Response(RequestOut(req).data, status=status.HTTP_201_CREATED)


class RatingCreateApi(Api):
    """Rate my closed request, 1 to 5, once."""

    permission_classes = [CustomerOnly]
    parser_classes = [JSONParser, FormParser]

    class InputSerializer(serializers.Serializer):
        score = serializers.IntegerField(min_value=1, max_value=5)
        comment = serializers.CharField(
            required=False, allow_blank=True, max_length=1000
        )

    class OutputSerializer(serializers.Serializer):
        reference = serializers.CharField(source="request.reference")
        score = serializers.IntegerField()
        comment = serializers.CharField()
        created_at = serializers.DateTimeField()

    @schema(
        operation_id="requests_rating_create",
        request=InputSerializer,
        responses=responses({201: OutputSerializer}, 400, 401, 403, 404, 409, 429),
    )
    def post(self, request, reference):
        from voc.services import rating_submit

        req = selectors.request_get_for_customer(request.user, reference)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rating = rating_submit(request=req, user=request.user, **data.validated_data)
        return Response(
            self.OutputSerializer(rating).data, status=status.HTTP_201_CREATED
        )
