"""The step machinery: the one way a request takes a step.

A step is declared once, on its flow's transition (flows/*.py), with
`staff_step` or `customer_step` (flows/common.py): its label, its form (a key of
`requests_app.forms.ACTION_FORMS`) and the service that performs it, as a dotted
path (`perform`) with fixed arguments (`bind`). The staff page, the customer's
page and the API all go through `step_form` and `step_perform`, so no screen
knows a step by name.

A service authorizes (`authorize`), checks what it must, then calls
`request_transition`, which takes the step under the concurrency guard, logs
it and runs the effects other apps declared for every step, in order
(`settings.STEP_EFFECTS`: the SLA clocks and tallies, the work orders, the
customer's message, the open invoices). The core names them only by their
dotted paths, so it never imports the apps above it.
"""

from __future__ import annotations

import inspect
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from notifications.services import notification_enqueue
from requests_app.exceptions import ConcurrentChange, TransitionRefused
from requests_app.flows import as_flow
from requests_app.forms import step_form_class
from requests_app.models import RequestEvent, ServiceRequest, State
from requests_app.notes import text_fields

# The message to the customer a person typed on a step's form, for the
# transition of that step (step_perform sets it; request_transition reads it),
# so that no service has to pass it along.
_STEP_MESSAGE: ContextVar[tuple[str, str] | None] = ContextVar(
    "step_message", default=None
)

# Arguments every perform service takes, besides its form's and its bind's.
COMMON_ARGUMENTS = ("request", "user", "expected_state")


@dataclass(frozen=True)
class StepTaken:
    """What an effect is told about the step just taken (inside its
    transaction, after the request was saved and the step logged)."""

    request: ServiceRequest
    name: str
    label: str
    from_state: str | None
    user: object
    note: object  # a str, or a SystemMessage rendered for its reader
    at: datetime
    message: object = ""  # a str, or a SystemMessage rendered for its reader
    notify: bool = True
    notify_context: dict = field(default_factory=dict)
    # the step as its flow declares it (flows/common.py `step`)
    declared: dict = field(default_factory=dict)
    # the step's line of the timeline (None for a filing)
    event: object = None


@cache
def _resolve(paths: tuple[str, ...]) -> tuple:
    return tuple(import_string(path) for path in paths)


def step_effects() -> tuple:
    """The effect functions, in the order settings.STEP_EFFECTS lists them."""
    return _resolve(tuple(settings.STEP_EFFECTS))


def request_filed(*, request: ServiceRequest, user, at: datetime) -> None:
    """A request just filed (saved in state SUBMITTED): the effects other apps
    declared for filing (`settings.FILING_EFFECTS`: its SLA clocks and tallies)."""
    step = StepTaken(
        request=request,
        name="submit",
        label="submit",
        from_state=None,
        user=user,
        note="",
        at=at,
        notify=False,
    )
    for effect in _resolve(tuple(settings.FILING_EFFECTS)):
        effect(step)


def message_fields(message) -> dict:
    """A typed message, or the portal's own (requests_app.notes.SystemMessage)
    as its key and parameters, for RequestEvent."""
    return text_fields("message", message)


def note_fields(note) -> dict:
    """A typed internal note, or the portal's own (a SystemMessage), for
    RequestEvent."""
    return text_fields("note", note)


def customer_message(step: StepTaken) -> None:
    """The customer's status message (SMS and e-mail through the outbox)."""
    if not step.notify:
        return
    notification_enqueue(
        user=step.request.applicant,
        event="request_status",
        context={
            "message": step.message,
            "state_label": State(step.request.state).label,
            **step.notify_context,
        },
        request=step.request,
    )


def step_declaration(request: ServiceRequest, name: str) -> dict | None:
    """The step `name` as its flow declares it (label, audience, form,
    perform, bind), or None when the flow has no such step."""
    method = getattr(type(as_flow(request)), name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None or not meta.transitions:
        return None
    return next(iter(meta.transitions.values())).custom


def authorize(
    *, request: ServiceRequest, user, name: str, expected_state: str | None
) -> ServiceRequest:
    """Check, in this order, that the user may take this step at all (role and
    office: nobody learns anything about a request they may not act on), that
    the request is still in the state the user saw, and that the flow allows
    the step now. Returns the request as its flow."""
    request = as_flow(request)
    method = getattr(request, name)
    meta = method._django_fsm
    any_transition = next(iter(meta.transitions.values()))
    if not any_transition.has_perm(request, user):
        raise PermissionDenied(_("You may not do this on this request."))
    if expected_state is not None and request.state != expected_state:
        raise ConcurrentChange()
    if not can_proceed(method, check_conditions=False):
        raise TransitionRefused()
    if not meta.conditions_met(request, request.state):
        raise TransitionRefused()
    return request


def request_transition(
    *,
    request: ServiceRequest,
    user,
    name: str,
    expected_state: str | None,
    note: object = "",
    message: object = None,
    notify: bool = True,
    notify_context: dict | None = None,
    **kwargs,
) -> ServiceRequest:
    """Take the step `name` (authorized first), then, in one transaction: save
    under the concurrency guard, log the step and run the step effects
    (`settings.STEP_EFFECTS`; `notify` off keeps the customer's message back).
    `note` is internal (staff only); `message` is what the customer is told
    (by default what the person typed as the message on the step's form).
    `kwargs` go to the flow's transition method."""
    if message is None:
        typed = _STEP_MESSAGE.get()
        message = typed[1] if typed and typed[0] == name else ""
    request = authorize(
        request=request, user=user, name=name, expected_state=expected_state
    )
    method = getattr(request, name)
    from_state = request.state
    now = timezone.now()
    with transaction.atomic():
        method(**kwargs)
        try:
            request.save()
        except ConcurrentTransition as exc:
            raise ConcurrentChange() from exc
        event = RequestEvent.objects.create(
            request=request,
            kind=RequestEvent.Kind.TRANSITION,
            action=name,
            from_state=from_state,
            to_state=request.state,
            actor=user,
            **note_fields(note),
            **message_fields(message),
        )
        declared = next(iter(method._django_fsm.transitions.values())).custom
        step = StepTaken(
            request=request,
            name=name,
            label=str(declared.get("label", name)),
            declared=declared,
            from_state=from_state,
            user=user,
            note=note,
            message=message,
            at=now,
            notify=notify,
            notify_context=notify_context or {},
            event=event,
        )
        for effect in step_effects():
            effect(step)
    return request


def step_form(
    request: ServiceRequest,
    step: dict,
    *,
    audience: str = "staff",
    data=None,
    files=None,
    prefix: str | None = None,
    interactive: bool = True,
):
    """The form of a declared step (`step`: an entry of selectors.actions_for
    or a step_declaration), built for this request. `interactive` is the web
    page (warnings to confirm, the amount due offered); the API is not."""
    cls = step_form_class(step["form"], audience=audience)
    return cls.build(
        request, data=data, files=files, prefix=prefix, interactive=interactive
    )


def step_service(step: dict):
    return import_string(step["perform"])


def step_perform(request: ServiceRequest, name: str, form, *, user, expected_state):
    """Take the step `name` with a valid form of it, through the service its
    flow declares (the staff page, the customer's page and the API alike)."""
    step = step_declaration(request, name)
    if step is None or "perform" not in step:
        raise TransitionRefused()
    token = _STEP_MESSAGE.set((name, form.cleaned_data.get("message", "")))
    try:
        return step_service(step)(
            request=request,
            user=user,
            expected_state=expected_state,
            **step.get("bind", {}),
            **form.step_arguments(),
        )
    finally:
        _STEP_MESSAGE.reset(token)


def service_accepts(service, names) -> tuple[set, set]:
    """(arguments `service` does not take, required arguments it is not
    given) for a call with keyword arguments `names`."""
    params = inspect.signature(service).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
    unknown = set() if takes_any else set(names) - set(params)
    missing = {
        n
        for n, p in params.items()
        if p.default is p.empty
        and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
        and n not in names
    }
    return unknown, missing
