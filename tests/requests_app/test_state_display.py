"""ServiceRequest.get_state_display looks up one label instead of building
Django's dict of all of them per call (a list page calls it per row): it
must say exactly what Django's would, in Thai and English."""

from functools import partialmethod

import pytest
from django.db.models import Model
from django.utils import translation

from requests_app.models import ServiceRequest, State


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_state_label_is_djangos_for_every_state(lang):
    field = ServiceRequest._meta.get_field("state")
    request = ServiceRequest()
    with translation.override(lang):
        for value, _label in State.choices:
            request.__dict__["state"] = value  # the FSM field refuses assignment
            assert request.get_state_display() == Model._get_FIELD_display(
                request, field
            )
        request.__dict__["state"] = "no-such-state"
        assert request.get_state_display() == "no-such-state"
    # Ours, not the partialmethod Django generates for a field with choices.
    assert not isinstance(ServiceRequest.__dict__["get_state_display"], partialmethod)
