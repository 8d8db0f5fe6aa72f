from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and offices"

    def ready(self):
        from accounts.security import connect_signals

        connect_signals()
