from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    """A refusal the user should read; `message` is translated."""

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))

    default_message = _("This action could not be done.")


class ConcurrentChange(ServiceError):
    default_message = _(
        "Someone else changed this request while you were looking at it. "
        "The page now shows its current state; please check and try again."
    )


class TransitionRefused(ServiceError):
    default_message = _("This action is not possible in the request's current state.")
