"""`test_payments` on every page: true while the configured provider moves no
money (fakepay), so templates/base.html can say so on every page."""

from payments.provider import takes_test_payments


def test_payments(request) -> dict:
    return {"test_payments": takes_test_payments()}
