from django.db import models


class Sequence(models.Model):
    """A named counter for numbers people read: request references, CA numbers,
    invoice numbers. Taken with a row lock, so numbers never repeat and, inside
    a committed transaction, never skip."""

    key = models.CharField(max_length=64, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
