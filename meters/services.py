from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import sequence_next
from meters.models import Contract, ElectricityAccount, Installation, Meter
from payments.models import FeeItem, InvoiceLine
from requests_app.services import _transition, authorize


def installation_record(
    *, request, user, serial: str, first_reading: Decimal, expected_state=None
):
    """The technician's record; closing follows at once with the Move-In."""
    request = authorize(
        request=request,
        user=user,
        name="record_installation",
        expected_state=expected_state,
    )
    serial = serial.strip().upper()
    if not serial:
        raise ValidationError({"serial": _("Enter the meter's serial number.")})
    if first_reading is None or Decimal(first_reading) < 0:
        raise ValidationError(
            {"first_reading": _("Enter the first reading (0 or more).")}
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            meter = Meter.objects.create(serial=serial, size=request.meter_size)
            request = _transition(
                request=request,
                user=user,
                name="record_installation",
                expected_state=expected_state,
                notify=False,
                at=now,
                note=_("Meter %(serial)s, first reading %(reading)s")
                % {"serial": serial, "reading": first_reading},
            )
            Installation.objects.create(
                request=request,
                meter=meter,
                first_reading=first_reading,
                technician=user,
                installed_at=now,
            )
            account = account_move_in(request=request, meter=meter)
            _transition(
                request=request,
                user=user,
                name="close",
                expected_state=None,
                at=now,
                note=_("Electricity account %(ca)s opened") % {"ca": account.ca_number},
            )
    except IntegrityError as exc:
        if Meter.objects.filter(serial=serial).exists():
            raise ValidationError(
                {"serial": _("This meter serial is already installed elsewhere.")}
            ) from exc
        raise
    return request


def account_move_in(*, request, meter) -> ElectricityAccount:
    """Automatic Move-In: the electricity account (CA) and the contract."""
    number = sequence_next(key="ca")
    account = ElectricityAccount.objects.create(
        ca_number=f"020{number:09d}",
        customer=request.applicant,
        office=request.office,
        request=request,
        premises_address=request.premises_address,
        meter=meter,
    )
    deposit = sum(
        InvoiceLine.objects.filter(
            invoice__request=request, invoice__status="paid", kind=FeeItem.Kind.DEPOSIT
        ).values_list("amount", flat=True),
        Decimal("0.00"),
    )
    Contract.objects.create(
        account=account,
        number=f"C{account.ca_number}",
        customer=request.applicant,
        deposit=deposit,
        starts_on=timezone.localdate(),
    )
    return account
