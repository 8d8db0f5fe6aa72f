"""The README's table of the SLA policies, written from the policies in force
(tests/test_readme.py checks the README holds it, so the two cannot drift).

Print it: DEBUG=true python manage.py shell -c
"from sla.policy_table import markdown; print(markdown())"."""

from django.db.models import Min

from sla.clocks import current_policies

CONDITIONS = {
    "paid_after_inspection": "if paid after the inspection",
    "paid_before_inspection": "if paid before the inspection",
    "reconnect_same_day": "disconnected ≤ 7 days at payment",
    "reconnect_next_day": "disconnected 8–29 days at payment",
    "reconnect_new_deposit": "disconnected 30–89 days at payment",
    "natural": "natural wear: no invoice",
    "user_caused": "caused by the user: invoiced",
}
ANCHORS = {
    "filed": "counted from filing (not the time returned for documents)",
    "outage": "counted from the outage",
}


def _number(value) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:g}"


def _target(p) -> str:
    n = _number(p.target_value)
    text = {
        "working_hours": f"{n} working hour{'s' if n != '1' else ''}",
        "working_days": f"{n} working day{'s' if n != '1' else ''}",
        "calendar_days": f"{n} days",
        "clock_minutes": f"{n} minutes",
        "acceptance": f"{n} working hours; filed outside them: 09:30 next working day",
        "clock": f"by {int(p.target_value):02d}:"
        f"{int(round((p.target_value - int(p.target_value)) * 60)):02d}",
    }[p.target_unit]
    if p.anchor in ANCHORS:
        text += f", {ANCHORS[p.anchor]}"
    if p.appointment_kind:
        text += (
            f"; a {p.appointment_kind} booked on the date the customer asked for"
            " moves it to that day's closing"
        )
    return text


def _states(states) -> str:
    return ", ".join(f"`{s}`" for s in states) or "—"


def rows():
    from requests_app.models import ServiceType

    for service in ServiceType.objects.order_by("sort_order", "code"):
        seeded = dict(  # the order the steps were first published in
            service.policies.values("step_code")
            .annotate(first=Min("pk"))
            .values_list("step_code", "first")
        )
        for p in sorted(current_policies(service), key=lambda p: seeded[p.step_code]):
            step = f"`{p.step_code}` v{p.version}"
            if p.condition:
                step += f" ({CONDITIONS.get(p.condition, p.condition)})"
            stops = _states(p.stop_events)
            if p.void_states:
                void = f"void in {_states(p.void_states)}"
                stops = void if stops == "—" else f"{stops}; {void}"
            yield (
                f"{service.name_en} (§{service.charter_section})"
                if service.charter_section
                else service.name_en,
                step,
                _states(p.run_states),
                stops,
                _states(p.pause_states),
                _target(p),
            )


HEADER = (
    "| service | step | runs in | stops on | pauses in | target |\n"
    "|---|---|---|---|---|---|"
)


def markdown() -> str:
    return "\n".join([HEADER] + ["| " + " | ".join(row) + " |" for row in rows()])
