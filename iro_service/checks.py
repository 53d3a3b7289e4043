"""System checks for the deployment (``manage.py check --deploy --database default``)."""

from django.contrib.auth import get_user_model
from django.core.checks import Tags, Warning, register
from django.db import DatabaseError


@register(Tags.security, Tags.database, deploy=True)
def no_active_superusers(app_configs=None, databases=None, **kwargs):
    """A superuser bypasses every role and every separation-of-duties rule: production has none.

    It reads the database, so it runs only when a database is named (``--database default``).
    """
    if not databases:
        return []
    try:
        usernames = list(
            get_user_model().objects.filter(is_superuser=True, is_active=True).values_list("username", flat=True)
        )
    except DatabaseError:
        return []
    if not usernames:
        return []
    return [
        Warning(
            f"Active superuser accounts exist: {', '.join(sorted(usernames))}.",
            hint=(
                "A superuser bypasses every role check and the separation of duties. Do not use "
                "createsuperuser in production: give roles with 'manage.py grant_role', then "
                "deactivate these accounts or clear is_superuser from the shell."
            ),
            id="iro_service.W001",
        )
    ]
