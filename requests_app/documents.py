"""Checks on uploaded documents: the type is read from the content, not the name."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def sniff_content_type(head: bytes) -> str | None:
    for magic, content_type in _SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def validate_upload(uploaded) -> str:
    """Return the content type of an acceptable upload or raise ValidationError."""
    limit = settings.DOCUMENT_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; the largest file accepted is %(limit)s.")
            % {
                "name": uploaded.name,
                "size": filesizeformat(uploaded.size),
                "limit": filesizeformat(limit),
            },
            code="too_large",
        )
    if uploaded.size == 0:
        raise ValidationError(
            _("“%(name)s” is empty.") % {"name": uploaded.name}, code="empty"
        )
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise ValidationError(
            _(
                "“%(name)s” is not a PDF, JPEG or PNG file (its content was checked, not its name)."
            )
            % {"name": uploaded.name},
            code="bad_type",
        )
    if content_type == "application/pdf":
        uploaded.seek(max(0, uploaded.size - 1024))
        tail = uploaded.read()
        uploaded.seek(0)
        if b"%%EOF" not in tail:
            raise ValidationError(
                _("“%(name)s” is not a complete PDF file.") % {"name": uploaded.name},
                code="bad_pdf",
            )
    return content_type
