from django.utils.translation import gettext_lazy as _

from core.errors import ServiceError


class ConcurrentChange(ServiceError):
    default_message = _(
        "Someone else changed this request while you were looking at it. "
        "The page now shows its current state; please check and try again."
    )


class TransitionRefused(ServiceError):
    default_message = _("This action is not possible in the request's current state.")
