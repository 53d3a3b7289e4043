"""``python manage.py grant_role USERNAME ROLE [--reason TEXT]``

The server operator's way to give a role, for the first manager of a new installation and for
an emergency. Shell access is infrastructure trust; this is never reachable from the browser.
The grant is recorded as given by the server operator, in the role grants and the audit trail.
It never makes a superuser: a superuser bypasses every role check (docs/data-protection.md).
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from iro_service import role_grants
from iro_service.models import RoleName


class Command(BaseCommand):
    help = "Give USERNAME the ROLE (one of: " + ", ".join(RoleName.values) + "), as the server operator. Audited."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=RoleName.values)
        parser.add_argument("--reason", default="", help="Why (kept with the grant and in the audit trail).")

    def handle(self, *args, username, role, reason, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"No account has the username {username!r}.") from error
        try:
            role_grants.role_grant_bootstrap(user=user, role=role, reason=reason or "Given with manage.py grant_role")
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"{username} now has the {role} role (recorded in the audit trail).")
