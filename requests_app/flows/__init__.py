"""Each service runs its own state machine, a proxy of ServiceRequest in a
module of this package, named by its `flow` (ServiceType.flow). Every module
here but `common` is a machine and is found by itself: adding a service's
machine is adding its module. `as_flow` turns a loaded request into its
machine."""

import importlib
import pkgutil

from requests_app.models import ServiceRequest

SHARED = {"common"}


def _machines(cls):
    for sub in cls.__subclasses__():
        if "flow" in sub.__dict__:
            yield sub
        yield from _machines(sub)


def _discover() -> dict:
    for module in pkgutil.iter_modules(__path__):
        if module.name not in SHARED:
            importlib.import_module(f"{__name__}.{module.name}")
    found = {}
    for cls in _machines(ServiceRequest):
        if found.setdefault(cls.flow, cls) is not cls:
            raise RuntimeError(f"two machines for the flow {cls.flow!r}")
    return found


FLOWS = _discover()


def as_flow(request):
    cls = FLOWS[request.service.flow]
    if not isinstance(request, cls):
        request.__class__ = cls
    return request


def step_label(flow: str, name: str) -> str:
    """The label of the step `name` of a flow, in the active language (the
    name itself for a step that declares none)."""
    method = getattr(FLOWS.get(flow), name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None or not meta.transitions:
        return name
    return str(next(iter(meta.transitions.values())).custom.get("label", name))
