from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_cache_table(sender, using, **kwargs) -> None:
    """The database cache's table (`pea_cache`, CACHE_URL unset) after every
    `migrate` (and test database), so no deployment needs a step of its own;
    a no-op when the table exists or the cache is Redis."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Shared building blocks"

    def ready(self) -> None:
        from core import checks  # noqa: F401  (registers the system checks)

        post_migrate.connect(
            _create_cache_table, sender=self, dispatch_uid="core.create_cache_table"
        )
