from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IroServiceConfig(AppConfig):
    name = "iro_service"
    verbose_name = "IRO service"

    def ready(self):
        from . import checks  # noqa: F401 (registers the system checks)
        from .permission_audit import connect_permission_audit
        from .roles import ensure_roles
        from .signin import connect_receivers

        # Infrastructure only: make sure the role groups carry their capabilities
        # after every migrate (permissions themselves are created post_migrate).
        post_migrate.connect(ensure_roles, dispatch_uid="iro_service.ensure_roles")
        # Infrastructure audit: any change to a user's groups or permissions, or a group's
        # permissions, made outside the role services (the shell included) is recorded.
        connect_permission_audit()
        # Audit every sign-in, sign-out, failed sign-in and lockout; start each session's clocks.
        connect_receivers()
