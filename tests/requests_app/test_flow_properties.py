"""Property: whatever anyone tries, in any order, every machine stays in a
state of its graph, allows exactly what its rules allow, and its end states
are terminal."""

import inspect

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.utils import timezone
from django_fsm import GET_STATE, has_transition_perm
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from core.errors import ServiceError
from requests_app.flows import FLOWS, as_flow
from requests_app.machine import request_transition
from requests_app.models import FINAL_STATES, RequestEvent, ServiceRequest
from sla.models import OpenTally
from tests import factories

ACTORS = ["applicant", "other_customer", "counter", "surveyor", "technician",
          "supervisor", "other_counter"]  # fmt: skip


def _ending(flow_cls) -> set[str]:
    return {
        t.name
        for t in flow_cls().get_all_state_transitions()
        if t.custom.get("style") == "danger"
    }


def _graph(flow_cls) -> tuple[set[str], dict[str, set[str]]]:
    """States the flow can be in, and each transition's source states."""
    states, sources = {"submitted"}, {}
    for t in flow_cls().get_all_state_transitions():
        targets = (
            t.target.allowed_states if isinstance(t.target, GET_STATE) else [t.target]
        )
        states.update(str(s) for s in targets)
        states.add(str(t.source))
        sources.setdefault(t.name, set()).add(str(t.source))
    return states, sources


def _kwargs(method) -> dict:
    params = inspect.signature(inspect.unwrap(method)).parameters
    values = {"at": timezone.now(), "reason": "property test"}
    return {name: values[name] for name in params if name in values}


def _new_request(flow: str, actors: dict) -> ServiceRequest:
    if flow == "new_connection":
        return factories.submit_request(
            customer=actors["applicant"], office=actors["office"]
        )
    if flow == "meter_test":
        return factories.submit_account_request(
            service_code="meter-test", account=actors["account"]
        )
    if flow == "extension":
        return factories.submit_request(
            customer=actors["applicant"], office=actors["office"],
            service_code="grid-extension",
        )  # fmt: skip
    if flow == "correction":
        return factories.submit_request(
            customer=actors["applicant"], office=actors["office"],
            service_code="correction-premises",
        )  # fmt: skip
    if flow == "meter_upgrade":
        return factories.submit_account_request(
            service_code="meter-upgrade", account=actors["account"]
        )
    if flow == "adjusted_bill":
        from decimal import Decimal

        from meters.services import adjusted_bill_open

        return adjusted_bill_open(
            account=actors["account"], user=actors["counter"], evidence="seal broken",
            history_kwh=[200, 210, 190], months=3, billed_kwh=Decimal("100"),
            rate=Decimal("4"),
        )  # fmt: skip
    if flow == "broken_meter":
        return factories.submit_account_request(
            service_code="broken-meter", account=actors["account"]
        )
    if flow == "covers":
        return factories.file_covers(
            customer=actors["applicant"], office=actors["office"]
        )
    if flow == "complaint":
        from voc.models import Category
        from voc.services import voice_submit

        return voice_submit(
            customer=actors["applicant"], kind="complaint",
            category=Category.objects.get(code="bill"), office=actors["office"],
            subject="bill", body="too high",
        )  # fmt: skip
    if flow == "deposit_refund":
        return factories.submit_account_request(
            service_code="deposit-refund", account=actors["account"]
        )
    if flow == "reconnection":
        return factories.file_reconnection(
            account=actors["account"], days=10, staff=actors["counter"]
        )
    raise AssertionError(f"no request maker for flow {flow}")  # add one per new flow


class FlowPropertyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        offices = factories.office_tree()
        branch = offices["branch"]
        cls.actors = {
            "office": branch,
            "account": None,
            "applicant": factories.CustomerFactory(username="prop-alice"),
            "other_customer": factories.CustomerFactory(username="prop-bob"),
            "counter": factories.StaffFactory(
                username="prop-counter", role="counter", office=branch
            ),
            "surveyor": factories.StaffFactory(
                username="prop-sam", role="surveyor", office=branch
            ),
            "technician": factories.StaffFactory(
                username="prop-tom", role="technician", office=branch
            ),
            "supervisor": factories.StaffFactory(
                username="prop-erin", role="supervisor", office=offices["province"]
            ),
            "other_counter": factories.StaffFactory(
                username="prop-dave", role="counter", office=offices["other_branch"]
            ),
        }
        cls.actors["account"] = factories.account_for(cls.actors["applicant"], branch)

    @settings(
        max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(
        flow=st.sampled_from(sorted(FLOWS)),
        moves=st.lists(
            st.tuples(
                st.sampled_from([True, True, True, False]),  # aim at an available step
                st.integers(min_value=0, max_value=50),
                st.sampled_from(ACTORS),
            ),
            max_size=30,
        ),
    )
    def test_random_moves_keep_every_machine_in_its_graph(self, flow, moves):
        states, sources = _graph(FLOWS[flow])
        names, ending = sorted(sources), _ending(FLOWS[flow])
        request = _new_request(flow, self.actors)
        for aim, pick, who in moves:
            request = as_flow(ServiceRequest.objects.get(pk=request.pk))
            name, user = names[pick % len(names)], self.actors[who]
            available = sorted(
                t.name for t in request.get_available_state_transitions()
            )
            if aim and available:
                name = available[pick % len(available)]
                allowed_actors = [
                    a for a in ACTORS
                    if has_transition_perm(getattr(request, name), self.actors[a])
                ]  # fmt: skip
                if allowed_actors:
                    user = self.actors[allowed_actors[pick % len(allowed_actors)]]
            if name in ending and pick % 7 != 6:
                continue  # ending moves only now and then, to reach deep states
            before, events = (
                request.state,
                RequestEvent.objects.filter(request=request).count(),
            )
            method = getattr(request, name)
            allowed = has_transition_perm(method, user)
            try:
                request_transition(request=request, user=user, name=name, expected_state=before,
                            **_kwargs(method))  # fmt: skip
                happened = True
            except (PermissionDenied, ServiceError, ValidationError):
                happened = False
            request = as_flow(ServiceRequest.objects.get(pk=request.pk))

            assert happened == allowed, (flow, before, name, who)
            assert request.state in states
            if happened:
                assert before in sources[name]
                assert before not in FINAL_STATES
                assert (
                    RequestEvent.objects.filter(request=request).count() == events + 1
                )
            else:
                assert request.state == before
                assert RequestEvent.objects.filter(request=request).count() == events
            if request.state in FINAL_STATES:
                assert list(request.get_available_state_transitions()) == []
        # The dashboard's tallies agree with the rows, and no clock outlives
        # its request.
        tallied = {
            (t.office_id, t.service_id, t.state): t.n
            for t in OpenTally.objects.exclude(n=0)
        }
        counted = {
            (r["office_id"], r["service_id"], r["state"]): r["n"]
            for r in ServiceRequest.objects.exclude(state__in=FINAL_STATES)
            .values("office_id", "service_id", "state")
            .annotate(n=Count("id"))
        }
        assert tallied == counted
        if request.state in FINAL_STATES:
            assert not request.clocks.filter(status__in=("running", "paused")).exists()
        event(f"{flow} ended in {request.state}")
