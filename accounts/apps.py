from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and offices"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from accounts.middleware import start_idle_clock
        from accounts.security import connect_signals

        connect_signals()
        user_logged_in.connect(start_idle_clock, dispatch_uid="accounts.idle_clock")
