"""Settings for the test suite: fast hashing, in-memory email, eager Celery unless REDIS_URL is set."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


# The suite builds the demo authority (seed_demo) in its throwaway databases.
DEMO_DATA_ALLOWED = True
