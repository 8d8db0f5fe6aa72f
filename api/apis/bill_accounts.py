"""My electricity accounts for bills: the list with each account's current
bill, linking one I already have (the same rules and lockout as the web
page, bills.linking), naming it and its bill notices, unlinking it."""

from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.response import Response

from api.apis.common import Api, Cursor, CustomerOnly, paged, responses, schema
from api.errors import error_response
from bills import linking
from bills.models import Bill
from bills.selectors import (
    account_get_for_customer,
    accounts_with_current_bill,
    attach_current_bills,
)


class CurrentBillOut(serializers.Serializer):
    number = serializers.CharField()
    period = serializers.DateField()
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    due_date = serializers.DateField()
    status = serializers.ChoiceField(choices=Bill.Status.choices)
    overdue = serializers.SerializerMethodField()

    def get_overdue(self, bill) -> bool:
        return (
            bill.status == Bill.Status.UNPAID and bill.due_date < timezone.localdate()
        )


class BillAccountOut(serializers.Serializer):
    ca_number = serializers.CharField()
    nickname = serializers.CharField()
    premises_address = serializers.CharField()
    office = serializers.CharField(source="office.code")
    office_name = serializers.CharField(source="office.name")
    bill_notices = serializers.BooleanField()
    linked_at = serializers.DateTimeField(allow_null=True)
    current_bill = CurrentBillOut(allow_null=True)
    unpaid_bills = serializers.IntegerField(source="unpaid_count")


def _one(account) -> dict:
    """An account in the list's shape (its current bill and unpaid count)."""
    row = accounts_with_current_bill(account.customer).get(pk=account.pk)
    return BillAccountOut(attach_current_bills([row])[0]).data


class BillAccountListApi(Api):
    """My linked electricity accounts, each with its current bill."""

    permission_classes = [CustomerOnly]

    @schema(
        operation_id="accounts_list",
        responses=responses({200: paged(BillAccountOut)}, 401, 403, 429),
    )
    def get(self, request):
        paginator = Cursor()
        paginator.ordering = ("-created_at", "-id")
        page = paginator.paginate_queryset(
            accounts_with_current_bill(request.user), request, view=self
        )
        rows = attach_current_bills(page)
        return paginator.get_paginated_response(BillAccountOut(rows, many=True).data)


class BillAccountLinkApi(Api):
    """Link an account I already have by its CA number: at once when its
    holder's ID is my profile's and an office has checked my ID card; else
    with the amount of one of its last three bills or its meter number. Every refusal is the same 400
    `link_refused`, whether the CA number is unknown, the proof wrong or the
    account someone else's; after several in a row, 429 `locked_out` (with
    Retry-After) until the time it says, even with the right proof."""

    permission_classes = [CustomerOnly]

    class InputSerializer(serializers.Serializer):
        ca_number = serializers.RegexField(
            r"^\s*[0-9][0-9\s-]{4,18}\s*$", max_length=20
        )
        bill_amount = serializers.DecimalField(
            max_digits=12,
            decimal_places=2,
            min_value=0,
            required=False,
            allow_null=True,
            help_text="The amount of one of the account's last three bills.",
        )
        meter_number = serializers.CharField(
            max_length=32, required=False, allow_blank=True
        )
        nickname = serializers.CharField(
            max_length=40, required=False, allow_blank=True
        )

    @schema(
        operation_id="accounts_link",
        request=InputSerializer,
        responses=responses({201: BillAccountOut}, 400, 401, 403, 409, 429),
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            account = linking.account_link(
                user=request.user,
                ca_number=values["ca_number"],
                proof=linking.LinkProof(
                    bill_amount=values.get("bill_amount"),
                    meter_number=values.get("meter_number") or "",
                ),
                nickname=values.get("nickname") or "",
            )
        except linking.LinkLockedOut as exc:
            response = error_response(429, str(exc.message), code="locked_out")
            seconds = max(int((exc.until - timezone.now()).total_seconds()), 1)
            response["Retry-After"] = str(seconds)
            return response
        except linking.ProofNeeded as exc:
            return error_response(
                400,
                str(exc.message),
                fields={"bill_amount": [str(exc.message)]},
                code="proof_needed",
            )
        except linking.LinkRefused as exc:
            return error_response(400, str(exc.message), code="link_refused")
        except linking.AlreadyYours as exc:
            return error_response(409, str(exc.message), code="already_linked")
        return Response(_one(account), status=status.HTTP_201_CREATED)


class BillAccountUpdateApi(Api):
    """Rename one of my accounts and/or turn its bill notices on or off."""

    permission_classes = [CustomerOnly]

    class InputSerializer(serializers.Serializer):
        nickname = serializers.CharField(
            max_length=40, required=False, allow_blank=True
        )
        bill_notices = serializers.BooleanField(required=False)

    @schema(
        operation_id="accounts_settings_update",
        request=InputSerializer,
        responses=responses({200: BillAccountOut}, 400, 401, 403, 404, 429),
    )
    def patch(self, request, ca):
        account = account_get_for_customer(request.user, ca)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        linking.account_update(
            user=request.user,
            account=account,
            nickname=data.validated_data.get("nickname"),
            bill_notices=data.validated_data.get("bill_notices"),
        )
        return Response(_one(account))


class BillAccountUnlinkApi(Api):
    """Unlink: remove an account from my accounts (409 while one of its requests is
    in progress). It can be linked again with a proof."""

    permission_classes = [CustomerOnly]

    @schema(
        operation_id="accounts_unlink",
        responses=responses({204: None}, 401, 403, 404, 409, 429),
    )
    def delete(self, request, ca):
        account = account_get_for_customer(request.user, ca)
        linking.account_unlink(user=request.user, account=account)
        return Response(status=status.HTTP_204_NO_CONTENT)
