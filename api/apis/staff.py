"""Staff: the office queue, the transitions a request allows this user now
(with the fields each one takes), and performing one — through the same forms
and services as the staff pages."""

from django import forms as dj_forms
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from api.apis.common import (
    Api,
    RequestOut,
    RequestSummaryOut,
    StaffOnly,
    paged,
    paginate,
    responses,
    schema,
)
from api.errors import form_errors
from core.errors import ServiceError
from requests_app import selectors
from requests_app.machine import step_form, step_perform
from requests_app.models import State


class QueueRowOut(RequestSummaryOut):
    applicant = serializers.CharField(source="applicant.get_full_name")
    assigned_to = serializers.CharField(
        source="assigned_to.username", allow_null=True, default=None
    )


class QueueApi(Api):
    """Open requests of my office (a supervisor's: and the offices below),
    oldest first."""

    permission_classes = [StaffOnly]

    @schema(
        operation_id="staff_queue_list",
        parameters=[
            OpenApiParameter("state", str),
            OpenApiParameter("service", str),
            OpenApiParameter("department", str),
            OpenApiParameter("q", str),
        ],
        responses=responses({200: paged(QueueRowOut)}, 400, 401, 403, 429),
    )
    def get(self, request):
        params = {
            k: request.query_params.get(k, "")
            for k in ("state", "service", "q", "department")
        }
        qs = selectors.staff_queue(request.user, **params).select_related(
            "applicant", "assigned_to"
        )
        return paginate(self, request, qs, QueueRowOut, ordering=("created_at", "id"))


class FieldOut(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()
    required = serializers.BooleanField()
    label = serializers.CharField()
    choices = serializers.ListField(child=serializers.CharField(), allow_null=True)


class TransitionOut(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    style = serializers.CharField()
    fields = FieldOut(many=True)


def _fields(form) -> list[dict]:
    out = []
    for name, field in form.fields.items():
        choices = None
        if isinstance(field, dj_forms.ChoiceField | dj_forms.ModelChoiceField):
            choices = [str(v) for v, _label in field.choices if v != ""]
        out.append(
            {
                "name": name,
                "type": type(field).__name__.removesuffix("Field").lower(),
                "required": field.required,
                "label": str(field.label or name),
                "choices": choices,
            }
        )
    return out


class TransitionListApi(Api):
    """The steps I may take on this request now, and the fields each takes."""

    permission_classes = [StaffOnly]

    @schema(
        operation_id="staff_transitions_list",
        responses=responses({200: TransitionOut(many=True)}, 401, 403, 404, 429),
    )
    def get(self, request, reference):
        req = selectors.request_get_for_staff(request.user, reference)
        out = []
        for a in selectors.actions_for(req, request.user, "staff"):
            form = step_form(req, a, interactive=False)
            out.append(
                {
                    "name": a["name"],
                    "label": str(a["label"]),
                    "style": a.get("style", "primary"),
                    "fields": _fields(form),
                }
            )
        return Response(TransitionOut(out, many=True).data)


class TransitionPerformApi(Api):
    """Take a step. The body holds the fields the step lists; send
    `expected_state` (the state you saw) so a step taken meanwhile by someone
    else is refused instead of applied twice."""

    permission_classes = [StaffOnly]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    class InputSerializer(serializers.Serializer):
        expected_state = serializers.ChoiceField(choices=State.choices, required=False)
        note = serializers.CharField(required=False, help_text="Internal: staff only.")
        message = serializers.CharField(
            required=False, help_text="Told to the customer (page, SMS, e-mail)."
        )
        reason = serializers.CharField(required=False)

    @schema(
        operation_id="staff_transitions_create",
        request=InputSerializer,
        responses=responses({200: RequestOut}, 400, 401, 403, 404, 409, 429),
    )
    def post(self, request, reference, name):
        req = selectors.request_get_for_staff(request.user, reference)
        allowed = {
            a["name"]: a for a in selectors.actions_for(req, request.user, "staff")
        }
        if name not in allowed:
            if not selectors.may_ever(req, request.user, name):
                from rest_framework.exceptions import PermissionDenied

                raise PermissionDenied(_("You may not do this on this request."))
            raise ServiceError(
                _("This action is no longer possible: the request is now “%(state)s”.")
                % {"state": State(req.state).label}
            )
        form = step_form(
            req,
            allowed[name],
            data=request.data,
            files=request.FILES,
            interactive=False,
        )
        if not form.is_valid():
            raise form_errors(form)
        step_perform(
            req,
            name,
            form,
            user=request.user,
            expected_state=request.data.get("expected_state"),
        )
        req = selectors.request_get_for_staff(request.user, reference)
        return Response(RequestOut(req, context={"request": request}).data)
