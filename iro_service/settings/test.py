"""Settings for the test suite: fast hashing, in-memory email, eager Celery unless REDIS_URL is set."""

from copy import deepcopy

from .base import *  # noqa: F403
from .base import DATABASES, MIDDLEWARE

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


# The suite builds the demo authority (seed_demo) in its throwaway databases.
DEMO_DATA_ALLOWED = True

# The suite reads and writes "default" only, whatever REPLICA_DATABASE_URL says: a test's data
# is in a transaction no other connection can see. "replica" is a second database on the same
# server (SQLite: a second in-memory one) standing in for a read replica, created only for the
# tests that name it (tests/iro_service/test_db_router.py), which turn the router on themselves.
# Its tables are made from the models (MIGRATE False), as a replica copies the primary's schema:
# the data migrations write to "default" whichever database is being migrated.
DATABASE_ROUTERS = []
MIDDLEWARE = [name for name in MIDDLEWARE if name != "iro_service.db_router.PrimaryPinMiddleware"]
DATABASES["replica"] = {
    **deepcopy(DATABASES["default"]),
    "NAME": f"{DATABASES['default']['NAME']}_replica",
    "TEST": {"MIGRATE": False},
}
