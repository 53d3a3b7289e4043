from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IroServiceConfig(AppConfig):
    name = "iro_service"
    verbose_name = "IRO service"

    def ready(self):
        from .roles import ensure_roles
        from .signin import connect_receivers

        # Infrastructure only: make sure the role groups carry their capabilities
        # after every migrate (permissions themselves are created post_migrate).
        post_migrate.connect(ensure_roles, dispatch_uid="iro_service.ensure_roles")
        # Audit every sign-in, sign-out, failed sign-in and lockout; start each session's clocks.
        connect_receivers()
