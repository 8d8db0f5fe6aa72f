"""Each service runs its own state machine, a proxy of ServiceRequest named in
ServiceType.flow. `as_flow` turns a loaded request into its machine."""

from requests_app.flows.adjusted_bill import AdjustedBillRequest
from requests_app.flows.broken_meter import BrokenMeterRequest
from requests_app.flows.complaint import ComplaintRequest
from requests_app.flows.correction import CorrectionRequest
from requests_app.flows.covers import CoversRequest
from requests_app.flows.deposit_refund import DepositRefundRequest
from requests_app.flows.extension import ExtensionRequest
from requests_app.flows.meter_test import MeterTestRequest
from requests_app.flows.new_connection import MeterUpgradeRequest, NewConnectionRequest
from requests_app.flows.reconnection import ReconnectionRequest

FLOWS = {
    "new_connection": NewConnectionRequest,
    "meter_test": MeterTestRequest,
    "reconnection": ReconnectionRequest,
    "deposit_refund": DepositRefundRequest,
    "extension": ExtensionRequest,
    "correction": CorrectionRequest,
    "covers": CoversRequest,
    "meter_upgrade": MeterUpgradeRequest,
    "broken_meter": BrokenMeterRequest,
    "adjusted_bill": AdjustedBillRequest,
    "complaint": ComplaintRequest,
}


def as_flow(request):
    cls = FLOWS[request.service.flow]
    if not isinstance(request, cls):
        request.__class__ = cls
    return request
