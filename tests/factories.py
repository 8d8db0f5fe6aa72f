"""factory-boy factories and helpers that build requests through the services."""

import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import CustomerProfile, Office, User


def _picture(kind: str) -> bytes:
    from PIL import Image  # comes with WeasyPrint

    out = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(out, kind)
    return out.getvalue()


# The smallest files whose content passes the type check (the checks read the
# structure of an image, so the pictures are real ones).
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = _picture("PNG")
JPEG_BYTES = _picture("JPEG")


def national_id(seq: int) -> str:
    """A valid 13-digit ID derived from a sequence number."""
    base = f"1{seq:011d}"[:12]
    total = sum(int(d) * (13 - i) for i, d in enumerate(base))
    return base + str((11 - total % 11) % 10)


def office_tree() -> dict:
    region = Office.objects.create(
        code="R1", name_th="ภาค 1", name_en="Region 1", kind="region", path="R1/"
    )
    province = Office.objects.create(
        code="P11",
        name_th="กฟจ.ทดสอบ",
        name_en="Test Province",
        kind="province",
        parent=region,
        path="R1/P11/",
    )
    branch = Office.objects.create(
        code="B111",
        name_th="กฟส.สาขาหนึ่ง",
        name_en="Branch One",
        kind="branch",
        parent=province,
        path="R1/P11/B111/",
    )
    other_province = Office.objects.create(
        code="P12",
        name_th="กฟจ.อื่น",
        name_en="Other Province",
        kind="province",
        parent=region,
        path="R1/P12/",
    )
    other_branch = Office.objects.create(
        code="B121",
        name_th="กฟส.สาขาสอง",
        name_en="Branch Two",
        kind="branch",
        parent=other_province,
        path="R1/P12/B121/",
    )
    return {
        "region": region,
        "province": province,
        "branch": branch,
        "other_province": other_province,
        "other_branch": other_branch,
    }


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    phone = factory.Sequence(lambda n: f"08{n:08d}")
    password = factory.django.Password("correct-horse-battery")
    preferred_language = "th"


class CustomerFactory(UserFactory):
    class Meta:
        skip_postgeneration_save = True

    role = User.Role.CUSTOMER
    profile = factory.RelatedFactory(
        "tests.factories.ProfileFactory", factory_related_name="user"
    )


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerProfile

    kind = CustomerProfile.Kind.INDIVIDUAL
    national_id = factory.Sequence(lambda n: national_id(n + 1))
    address = "99 หมู่ 1 ต.ในเมือง อ.เมือง จ.ขอนแก่น 40000"


class StaffFactory(UserFactory):
    role = User.Role.COUNTER


def pdf(name="doc.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def documents_for(service, kind="individual", by_representative=False) -> dict:
    from requests_app.services import required_document_types

    return {
        dt.pk: pdf(f"{dt.code}.pdf")
        for dt in required_document_types(
            service=service, applicant_kind=kind, by_representative=by_representative
        )
    }


def submit_request(
    *, customer, office, meter_code="5(15)-1", service_code="new-connection", **extra
):
    from meters.models import MeterSize
    from requests_app.models import ServiceType
    from requests_app.services import request_submit

    service = ServiceType.objects.get(code=service_code)
    data = {
        "office": office,
        "premises_address": "12 ถ.มิตรภาพ ต.ในเมือง อ.เมือง จ.ขอนแก่น",
        "meter_size": MeterSize.objects.get(code=meter_code),
        "contact_phone": customer.phone or "0812345678",
        **extra,
    }
    return request_submit(
        applicant=customer,
        service=service,
        data=data,
        documents=documents_for(
            service, customer.profile.kind, extra.get("by_representative", False)
        ),
        created_by=customer,
    )


def file_like(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


def account_for(customer, office, meter_code="5(15)-1", deposit="300.00"):
    """An electricity account and its contract as a finished new connection
    leaves them (set up directly: tests of later services start from here)."""
    from decimal import Decimal

    from django.utils import timezone

    from meters.models import Contract, ElectricityAccount, Meter, MeterSize

    meter = Meter.objects.create(
        serial=f"T{customer.pk:06d}{Meter.objects.count():04d}",
        size=MeterSize.objects.get(code=meter_code),
    )
    account = ElectricityAccount.objects.create(
        ca_number=f"029{customer.pk:05d}{Meter.objects.count():04d}",
        customer=customer, office=office, premises_address="5 ถ.หน้าเมือง อ.เมือง",
        meter=meter,
    )  # fmt: skip
    Contract.objects.create(
        account=account, number=f"C{account.ca_number}", customer=customer,
        deposit=Decimal(deposit), starts_on=timezone.localdate(),
    )  # fmt: skip
    return account


def submit_account_request(*, service_code, account, **extra):
    """File a request about an existing account (meter test …) as its holder."""
    from requests_app.models import ServiceType
    from requests_app.services import request_submit

    service = ServiceType.objects.get(code=service_code)
    customer = account.customer
    return request_submit(
        applicant=customer,
        service=service,
        data={
            "office": account.office,
            "premises_address": account.premises_address,
            "meter_size": account.meter.size,
            "account": account,
            "contact_phone": customer.phone or "0812345678",
            **extra,
        },
        documents=documents_for(service, customer.profile.kind),
        created_by=customer,
    )


def file_reconnection(
    *, account, days, staff, outstanding="850.00", deposit_offset=False
):
    """Record a disconnection `days` ago and file the reconnection for it."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from meters.services import disconnection_record, reconnection_file
    from requests_app.models import ServiceType

    disconnection_record(
        account=account, disconnected_on=timezone.localdate() - timedelta(days=days),
        outstanding=Decimal(outstanding), deposit_offset=deposit_offset, user=staff,
    )  # fmt: skip
    customer = account.customer
    return reconnection_file(
        applicant=customer, service=ServiceType.objects.get(code="reconnection"),
        account=account, data={"contact_phone": customer.phone or "0812345678"},
        created_by=customer,
    )  # fmt: skip


def file_covers(*, customer, office, covers=4, days=5):
    from meters.selectors import default_meter_size
    from meters.services import covers_file
    from requests_app.models import ServiceType

    service = ServiceType.objects.get(code="insulation-covers")
    return covers_file(
        applicant=customer, service=service, covers=covers, days=days,
        data={"office": office, "premises_address": "ซอย 5 ถ.ศรีจันทร์",
              "meter_size": default_meter_size(),
              "contact_phone": customer.phone or "0812345678"},
        documents=documents_for(service, customer.profile.kind), created_by=customer,
    )  # fmt: skip
