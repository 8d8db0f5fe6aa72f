"""Errors every layer may raise and every interface knows how to show."""

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    """A refusal the user should read; `message` is translated."""

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))

    default_message = _("This action could not be done.")
