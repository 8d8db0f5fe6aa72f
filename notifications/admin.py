from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.validators import mask_phone
from notifications.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "channel",
        "event",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    )
    list_filter = ("status", "channel", "event")
    # The SMS number is shown masked (PDPA), a reset code still to be sent
    # not at all (the body shows its mark); the message's own fields are
    # read-only (the outbox changes only by delivery).
    exclude = ("to", "secret")
    readonly_fields = ["to_shown"] + [
        f.name for f in OutboxMessage._meta.fields if f.name not in ("to", "secret")
    ]

    @admin.display(description=_("to"))
    def to_shown(self, message) -> str:
        if message.channel == OutboxMessage.Channel.SMS:
            return mask_phone(message.to)
        return message.to
