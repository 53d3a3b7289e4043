"""Production: tightens security and requires its secrets; no insecure defaults.

Required: SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS. Optional: REDIS_URL (broker
and cache), EMAIL_URL, SECURE_HSTS_SECONDS. Two-factor sign-in is required of managers and
administrators unless OTP_REQUIRED_FOR_PRIVILEGED=false (docs/authentication.md).
"""

from .base import *  # noqa: F403
from .base import env, with_replica_and_pooling

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES = with_replica_and_pooling(DATABASES)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Authentication: IRO managers, administrators and staff must use two-factor sign-in.
OTP_REQUIRED_FOR_PRIVILEGED = env.bool("OTP_REQUIRED_FOR_PRIVILEGED", default=True)

if env("EMAIL_URL", default=""):
    vars().update(env.email("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


# Never on production, whatever the environment says: seed_demo creates accounts with the
# published demo password, and --reset empties the database.
DEMO_DATA_ALLOWED = False
