"""Production settings with bench-safe overrides, for ``benchmarks.run`` and ``benchmarks.build``.

The environment gives ``DATABASE_URL`` (the bench database) and ``SECRET_KEY`` (the runner
generates one and passes the same one to every process, so sessions survive across gunicorn
workers). Everything else defaults here: plain HTTP on 127.0.0.1, Redis db 8, no second factor
for managers (``OTP_REQUIRED_FOR_PRIVILEGED=false``: the bench signs in through the real form with
a password only; the bench accounts have no authenticator app), mail kept in memory.
"""

import hashlib
import os
import secrets
from pathlib import Path

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("OTP_REQUIRED_FOR_PRIVILEGED", "false")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/8")

from iro_service.settings.production import *  # noqa: E402,F403
from iro_service.settings.production import BASE_DIR  # noqa: E402

ROOT_URLCONF = "benchmarks.urls"
# Plain HTTP on the loopback: the cookies cannot be marked secure or the client never sends them.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# collectstatic writes here (one folder per checkout, outside the repository).
STATIC_ROOT = Path(
    os.environ.get("BENCH_STATIC_ROOT")
    or f"/tmp/iro-bench-static-{hashlib.sha1(str(BASE_DIR).encode()).hexdigest()[:8]}"  # noqa: S324,S108
)
MEDIA_ROOT = STATIC_ROOT.parent / (STATIC_ROOT.name + "-media")
