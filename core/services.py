from django.db import transaction

from core.models import Sequence


def sequence_next(*, key: str) -> int:
    """Next value of a named counter; the caller's transaction holds the row lock."""
    with transaction.atomic():
        Sequence.objects.get_or_create(key=key)
        seq = Sequence.objects.select_for_update().get(key=key)
        seq.value += 1
        seq.save(update_fields=["value"])
        return seq.value
