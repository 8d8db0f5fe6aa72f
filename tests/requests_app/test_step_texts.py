"""Every state of every flow tells the customer what is happening in words
that flow means: its own text (`step_texts` on its machine), or the shared
one of a state all flows mean the same by. Walks every reachable state of
every machine, in Thai and in English."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from requests_app.display import STEP_TEXT, step_text
from requests_app.flows import FLOWS
from requests_app.models import State

# States every flow means the same by: checking documents, documents back,
# pay the invoice, cancelled, rejected.
GENERIC = {"submitted", "returned", "fees_quoted", "cancelled", "rejected"}


def reachable(cls) -> set[str]:
    states = {State.SUBMITTED.value}
    for t in cls._meta.get_field("state").get_all_transitions(cls):
        allowed = getattr(t.target, "allowed_states", None)
        states.update(str(s) for s in (allowed or [t.target]))
    return states


CASES = [
    (flow, state) for flow in sorted(FLOWS) for state in sorted(reachable(FLOWS[flow]))
]


def _request(flow, state, code=""):
    return SimpleNamespace(service=SimpleNamespace(flow=flow, code=code), state=state)


def test_the_shared_texts_are_only_those_every_flow_means_the_same_by():
    assert set(STEP_TEXT) == GENERIC


@pytest.mark.parametrize("flow,state", CASES, ids=[f"{f}.{s}" for f, s in CASES])
@pytest.mark.parametrize("language", ["en", "th"])
def test_every_state_of_every_flow_has_its_own_customer_text(flow, state, language):
    own = getattr(FLOWS[flow], "step_texts", {})
    assert state in own or state in GENERIC, (
        f"{flow} has no customer text for {state!r}: add it to its step_texts"
    )
    with translation.override(language):
        text = step_text(_request(flow, state))
    assert text.strip()
    thai = any("\u0e00" <= c <= "\u0e7f" for c in text)
    assert thai == (language == "th"), f"{flow}.{state} in {language}: {text}"


def test_a_finished_adjusted_bill_does_not_speak_of_a_new_meter():
    with translation.override("en"):
        text = step_text(_request("adjusted_bill", "closed"))
    assert "meter is installed" not in text and "adjusted bill" in text


def test_a_sent_estimate_says_what_to_do():
    with translation.override("en"):
        text = step_text(_request("extension", "estimate_sent"))
    assert "accept" in text
