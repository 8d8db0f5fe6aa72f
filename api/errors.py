"""One error shape for every API response that is not a success:

    {"error": {"code": "validation_error", "message": "...", "fields": {...}}}

`message` is in the request's language (Accept-Language or the language
cookie); `fields` maps each input field to its messages."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.errors import ServiceError

CODES = {
    400: "validation_error",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "throttled",
}


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [m for v in detail.values() for m in _flatten(v)]
    if isinstance(detail, list):
        return [m for v in detail for m in _flatten(v)]
    return [str(detail)]


def _fields(detail) -> dict:
    if isinstance(detail, dict):
        return {
            ("" if k in ("non_field_errors", "__all__") else str(k)): _flatten(v)
            for k, v in detail.items()
        }
    return {}


def form_errors(form) -> DjangoValidationError:
    """A Django form's errors as the API's `fields` (non-field errors under
    ""), to raise from a view that validates with the web page's form."""
    return DjangoValidationError(
        {k if k != "__all__" else "": v for k, v in form.errors.items()}
    )


def error_response(status_code: int, message: str, fields=None, code=None) -> Response:
    return Response(
        {
            "error": {
                "code": code or CODES.get(status_code, "error"),
                "message": message,
                "fields": fields or {},
            }
        },
        status=status_code,
    )


def handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, ServiceError):
        return error_response(status.HTTP_409_CONFLICT, str(exc.message))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's 500 handling
    if isinstance(exc, exceptions.ValidationError):
        fields = _fields(exc.detail)
        message = _("Please correct the errors below.")
        if not isinstance(exc.detail, dict):
            message = " ".join(_flatten(exc.detail)) or message
        elif list(fields) == [""]:
            message = " ".join(fields.pop(""))
        out = error_response(response.status_code, message, fields)
    elif isinstance(exc, exceptions.Throttled):
        out = error_response(
            response.status_code,
            _("Too many requests; try again in %(n)s seconds.")
            % {"n": int(exc.wait or 1)},
        )
    else:
        detail = getattr(exc, "detail", "")
        out = error_response(response.status_code, " ".join(_flatten(detail)))
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            out[header] = response[header]
    return out


class ErrorBody(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField())
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorBody()
