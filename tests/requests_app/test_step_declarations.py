"""Every step a person takes is declared once, on its flow's transition: its
form and the service that performs it (requests_app.machine). Walk every flow
and check that each declared service imports and takes exactly what
step_perform will give it: the request, the user, the state they saw, the
step's bind and its form's arguments."""

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

from requests_app.flows import FLOWS
from requests_app.forms import step_form_class
from requests_app.machine import COMMON_ARGUMENTS, service_accepts


def _steps():
    for flow, cls in FLOWS.items():
        seen = set()
        for t in cls._meta.get_field("state").get_all_transitions(cls):
            if t.name in seen:
                continue
            seen.add(t.name)
            yield flow, t.name, t.custom


PEOPLE_STEPS = [
    (flow, name, custom)
    for flow, name, custom in _steps()
    if custom.get("audience") != "system"
]


def test_the_walk_covers_every_flow_and_its_steps():
    flows = {flow for flow, _name, _custom in PEOPLE_STEPS}
    assert flows == set(FLOWS)
    assert len(PEOPLE_STEPS) > 80  # 11 machines, their shared and own steps


@pytest.mark.parametrize(
    "flow,name,custom",
    PEOPLE_STEPS,
    ids=[f"{f}.{n}" for f, n, _c in PEOPLE_STEPS],
)
def test_each_step_declares_a_service_that_takes_its_forms_fields(flow, name, custom):
    assert custom.get("perform"), f"{flow}.{name} declares no service"
    service = import_string(custom["perform"])
    audiences = custom["audience"]
    audiences = (audiences,) if isinstance(audiences, str) else audiences
    for audience in audiences:
        form_cls = step_form_class(custom["form"], audience=audience)
        given = {*COMMON_ARGUMENTS, *custom.get("bind", {}), *form_cls.argument_names()}
        unknown, missing = service_accepts(service, given)
        assert not unknown, f"{flow}.{name}: {custom['perform']} takes no {unknown}"
        assert not missing, f"{flow}.{name}: {custom['perform']} needs {missing}"


def test_a_form_argument_the_service_does_not_take_is_caught():
    """The check itself: a service without `note` refuses a note form."""

    def perform(*, request, user, expected_state=None, reason):
        pass

    note_form = step_form_class("note")
    unknown, missing = service_accepts(
        perform, {*COMMON_ARGUMENTS, *note_form.argument_names()}
    )
    assert unknown == {"note"} and missing == {"reason"}


def test_step_effects_are_importable_in_their_declared_order():
    effects = [import_string(path) for path in settings.STEP_EFFECTS]
    assert [e.__module__ for e in effects] == [
        "sla.effects",
        "sla.effects",
        "requests_app.work_orders",
        "requests_app.machine",
        "payments.effects",
    ]
    for path in settings.FILING_EFFECTS:
        import_string(path)


@pytest.mark.parametrize(
    "flow,name,custom",
    PEOPLE_STEPS,
    ids=[f"{f}.{n}" for f, n, _c in PEOPLE_STEPS],
)
def test_work_orders_a_step_declares_are_known(flow, name, custom):
    from requests_app.models import Appointment
    from requests_app.work_orders import DUE_RULES

    kinds = set(Appointment.Kind.values)
    assert set(custom.get("closes", ())) <= kinds
    if "opens" in custom:
        kind, rule = custom["opens"]
        assert kind in kinds and rule in DUE_RULES


@pytest.mark.parametrize("flow", sorted(FLOWS))
def test_each_machine_names_a_filing_form_and_service_that_import(flow):
    from requests_app import filing

    machine = FLOWS[flow]
    form_cls = import_string(getattr(machine, "filing_form", filing.FORM))
    files_with = import_string(getattr(machine, "files_with", filing.FILES_WITH))
    assert callable(form_cls.for_filing) and callable(form_cls.filing_arguments)
    unknown, _missing = service_accepts(
        files_with, {"applicant", "service", "created_by", "data"}
    )
    assert not unknown
