"""Settings shared by every environment, read from the environment with django-environ.

Unset variables fall back to the embedded default: SQLite in the project folder,
Celery tasks run eagerly, email to the console. ``DEBUG`` defaults to False.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="insecure-local-only-key-set-SECRET_KEY-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "simple_history",
    "axes",  # sign-in lockout (see "Authentication" below)
    "django_otp",  # two-factor sign-in (see "Authentication" below)
    "django_otp.plugins.otp_totp",
    "iro_service",
    "children",
    "reviews",
    "conferences",
    "voice",
    "disputes",
    "reporting",
    "interchange",
    "demo",  # the synthetic demo authority (seed_demo); nothing imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "iro_service.middleware.NoStoreMiddleware",
    # Authentication: signs out idle and over-age sessions, then holds a session whose second
    # factor is still to be entered or set up; axes turns a lockout into the lockout page (last).
    "iro_service.middleware.SessionTimeoutMiddleware",
    "iro_service.middleware.SecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "iro_service.urls"
WSGI_APPLICATION = "iro_service.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "iro_service.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Past one machine (docs/scaling.md). REPLICA_DATABASE_URL: a PostgreSQL read replica that the
# reporting pages and the report task read from (iro_service/db_router.py); unset, every query
# goes to "default". PGBOUNCER=true: connections go through PgBouncer in transaction mode, which
# cannot hold a server-side cursor across statements.
REPLICA_DATABASE_URL = env("REPLICA_DATABASE_URL", default="")
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=10)
PGBOUNCER = env.bool("PGBOUNCER", default=False)


def with_replica_and_pooling(databases: dict) -> dict:
    """``DATABASES`` with the replica (when set) and the PgBouncer setting (here and in production)."""
    if REPLICA_DATABASE_URL:
        databases["replica"] = env.db_url_config(REPLICA_DATABASE_URL)
        databases["replica"]["CONN_MAX_AGE"] = databases["default"]["CONN_MAX_AGE"]
    for database in databases.values():
        database["DISABLE_SERVER_SIDE_CURSORS"] = PGBOUNCER
    return databases


DATABASES = with_replica_and_pooling(DATABASES)
DATABASE_ROUTERS = ["iro_service.db_router.PrimaryReplicaRouter"] if REPLICA_DATABASE_URL else []
if REPLICA_DATABASE_URL:  # pins a user's requests to the primary for a few seconds after a write
    MIDDLEWARE.append("iro_service.db_router.PrimaryPinMiddleware")

# --- Authentication (docs/authentication.md) --------------------------------------------------
# Passwords: at least 12 characters, not a common or breached password, not a pattern.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "iro_service.passwords.VariedCharactersValidator", "OPTIONS": {"min_distinct": 6}},
    {"NAME": "iro_service.passwords.PatternPasswordValidator"},
    {"NAME": "iro_service.passwords.BreachedPasswordValidator"},
]
# The Pwned Passwords range API (k-anonymity: only the first 5 characters of the password's SHA-1
# leave the server), e.g. https://api.pwnedpasswords.com/range/ ; unset: no network check.
PASSWORD_BREACH_API_URL = env("PASSWORD_BREACH_API_URL", default="")
PASSWORD_BREACH_API_TIMEOUT = env.float("PASSWORD_BREACH_API_TIMEOUT", default=3.0)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out username or address first
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions: signed out after SESSION_IDLE_TIMEOUT seconds without a request, and in any case
# SESSION_COOKIE_AGE seconds after signing in, however active (iro_service.middleware).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Lockout (django-axes, state in the database): SIGN_IN_FAILURE_LIMIT failed sign-ins for one
# username, or SIGN_IN_ADDRESS_FAILURE_LIMIT from one address across usernames (a council office
# shares one address), lock sign-in for SIGN_IN_LOCKOUT_MINUTES after the last failure.
AXES_HANDLER = "iro_service.signin.AccountAndAddressHandler"
AXES_LOCKOUT_PARAMETERS = "iro_service.signin.lockout_parameters"
AXES_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=5)
SIGN_IN_ADDRESS_FAILURE_LIMIT = env.int("SIGN_IN_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SIGN_IN_LOCKOUT_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "iro_service.signin.lockout_response"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are in the audit trail (AuditEvent), not kept twice
# The client's address as axes (and the audit trail) reads it. Directly on the internet:
# REMOTE_ADDR. Behind one reverse proxy that appends the address it saw to X-Forwarded-For:
# CLIENT_IP_HEADERS=HTTP_X_FORWARDED_FOR,REMOTE_ADDR and CLIENT_IP_PROXY_ORDER=right-most.
AXES_IPWARE_META_PRECEDENCE_ORDER = tuple(env.list("CLIENT_IP_HEADERS", default=["REMOTE_ADDR"]))
AXES_IPWARE_PROXY_ORDER = env("CLIENT_IP_PROXY_ORDER", default="left-most")
AXES_IPWARE_PROXY_COUNT = env.int("CLIENT_IP_PROXY_COUNT", default=None)
AXES_IPWARE_PROXY_TRUSTED_IPS = env.list("CLIENT_IP_TRUSTED_PROXIES", default=[]) or None

# Two-factor sign-in (TOTP, django-otp): anyone who has set up an authenticator app enters a code
# after their password; when OTP_REQUIRED_FOR_PRIVILEGED is on (production's default), IRO
# managers, administrators and staff must set one up before they can reach anything else.
OTP_REQUIRED_FOR_PRIVILEGED = env.bool("OTP_REQUIRED_FOR_PRIVILEGED", default=False)
OTP_TOTP_ISSUER = env("SERVICE_NAME", default="IRO case management")

# Single sign-on through OpenID Connect (e.g. Microsoft Entra ID), on only when OIDC_RP_CLIENT_ID
# is set. The identity provider proves who someone is; their role is still granted here.
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_SATISFIES_SECOND_FACTOR = env.bool("OIDC_SATISFIES_SECOND_FACTOR", default=False)
if OIDC_RP_CLIENT_ID:
    # With OIDC_ENTRA_TENANT_ID the Microsoft Entra ID endpoints need not be set one by one.
    _tenant = env("OIDC_ENTRA_TENANT_ID", default="")
    _entra = f"https://login.microsoftonline.com/{_tenant}" if _tenant else None
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("iro_service.oidc.CouncilOIDCBackend")
    OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env(
        "OIDC_OP_AUTHORIZATION_ENDPOINT", default=_entra and f"{_entra}/oauth2/v2.0/authorize"
    )
    OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default=_entra and f"{_entra}/oauth2/v2.0/token")
    OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default=_entra and f"{_entra}/discovery/v2.0/keys")
    OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default=_entra and "https://graph.microsoft.com/oidc/userinfo")
    if not all((OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT, OIDC_OP_JWKS_ENDPOINT, OIDC_OP_USER_ENDPOINT)):
        raise ImproperlyConfigured(
            "Single sign-on: set OIDC_ENTRA_TENANT_ID, or all four OIDC_OP_*_ENDPOINT variables."
        )
    OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = "openid email profile"
    OIDC_USE_PKCE = True
    OIDC_CREATE_USER = env.bool("OIDC_CREATE_USER", default=False)
    LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?single-sign-on=failed"
# --- end of Authentication -----------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"

# Static files are served by whitenoise from every web instance; STATIC_URL set to a CDN that
# pulls from them (e.g. https://cdn.example.net/static/) sends browsers there (docs/scaling.md).
STATIC_URL = env("STATIC_URL", default="") or "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
# Form widgets render through the project's templates, so that templates/django/forms/ can
# replace one of Django's widget templates (the select, written without an include an option).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
CRISPY_GDS_FRONTEND_VERSION = "5.14.0"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="iro-service@localhost")
#: The domain of review invitations' iCalendar UIDs (``review-<pk>@<domain>``): the service's own
#: host name, so that a calendar matches an update or cancellation to the event it replaces.
CALENDAR_UID_DOMAIN = env("CALENDAR_UID_DOMAIN", default="iro-service.localhost")

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # Redis that degrades to no cache while it is down, with short timeouts (iro_service/cache.py).
    from iro_service.cache import redis_caches

    CACHES = redis_caches(REDIS_URL)
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# Panels other apps add to a child's record page (children never imports them).
CHILD_RECORD_SECTIONS = [
    "reviews.sections.review_section",
    "conferences.sections.child_protection_section",
    "disputes.sections.child_disputes",
]

# Panels other apps add to a significant change's page (children never imports them): each is
# called with change, user and today and returns its template's context, the template under "template".
SIGNIFICANT_CHANGE_SECTIONS = ["reviews.sections.bring_review_forward"]

# The function giving the URL of a child's timeline (reviews, visits, notes and significant
# changes), called with child_pk: children sends the user there once a significant change is
# recorded or acknowledged, and links to it from the change's page.
CHILD_TIMELINE_URL = "reviews.sections.timeline_url"

# Entries other apps add to a child's timeline (reviews/timeline.py never imports them): each is
# called with child and returns reviews.timeline.TimelineEntry rows, in a fixed number of queries.
CHILD_TIMELINE_ENTRIES = ["conferences.timeline.child_protection_entries"]

# What other apps keep about a child by reference, outside the relations, and blank when the
# retention service destroys or anonymises the record (children/erasure.py): each is called with
# references (every local reference the child has had) and returns the rows changed, by kind.
CHILD_ERASURE_STEPS = ["interchange.erasure.redact_uploads"]

# Rows shared by brothers and sisters that the erasure walk never reaches (a family's
# conferences): each is called with child_pk and action ("destroy" or "anonymise") before the
# child's rows change and returns a callable, run after, that changes what no sibling still needs.
CHILD_SHARED_ROW_STEPS = ["conferences.erasure.family_conferences"]

# What other apps record when a child's period of care starts (children never imports them):
# each is called with episode and by inside children.services.care_period_start's transaction.
CARE_PERIOD_STARTED_STEPS = ["conferences.services.step_up.plan_care_period_started"]

# Panels other apps add to the review record form (reviews never imports them): each is called
# with child, user and today and returns its template's context, the template under "template".
REVIEW_FORM_SECTIONS = ["disputes.sections.disputes_since_last_review"]

# Panels other apps add to a chair's start page (reviews never imports them): each is called with
# user and today and returns its template's context, the template under "template", and the
# children it shows under "child_ids" (for the audit).
HOME_SECTIONS = ["conferences.sections.home_conferences"]

# Blocks other apps add to a held review's printed letter to the child and record (reviews never
# imports them): each is called with review, document ("letter" or "record"), user, request and
# recipient (the record's ?for=, "contact:<id>") when the PDF is made, and returns its template's
# context, the template under "template", or None. The child's voice adds a feedback link + QR.
REVIEW_DOCUMENT_EXTRAS = ["voice.documents.review_feedback_link"]

# What other apps add to the calendars and the private calendar feed (reviews never imports them):
# each names an object with the methods of reviews.calendar_sources.CalendarSource.
CALENDAR_SOURCES = ["conferences.calendar.booked_conferences"]

# The function giving the page that lists the reviews not held in a reporting year, called with
# user and year_label ("" if the user may not see it): the deadlines pages (reviews) link their
# "not held" figure to it.
NOT_HELD_REVIEWS_URL = "reporting.sections.not_held_reviews_url"

# The deadline sweeps the daily job runs (reviews.flags.deadlines_daily), each called with
# today and returning a reviews.flags.SweepResult for the flag kinds it owns.
DEADLINE_SWEEPS = [
    "reviews.flags.flags_sweep",
    "disputes.flags.dispute_flags_sweep",
    "conferences.flags.conference_flags_sweep",
]

# The local authority named on the annual report's cover.
AUTHORITY_NAME = env("AUTHORITY_NAME", default="Demoshire County Council (synthetic demo data)")

# The name shown in the header and page titles.
SERVICE_NAME = env("SERVICE_NAME", default="IRO case management")

# Retention (docs/rules.md#data-protection): a closed record is kept until the person's 75th birthday,
# or for 15 years after death if the child died before 18; after that date a manager proposes
# anonymising or destroying it and a second manager approves (children/retention_services.py).
RETENTION_YEARS_AFTER_BIRTH = env.int("RETENTION_YEARS_AFTER_BIRTH", default=75)
RETENTION_YEARS_AFTER_DEATH = env.int("RETENTION_YEARS_AFTER_DEATH", default=15)

# Long lists (children, disputes) count at most this many rows; beyond it they say "more than"
# and ask for a filter, so a page costs one page however large the service (iro_service/pagination.py).
LIST_COUNT_CAP = env.int("LIST_COUNT_CAP", default=10_000)

from .celery import *  # noqa: E402,F403

# Accounts (separation of duties)
# A link to set a password (sent to new accounts and by an administrator's reset) works once,
# for this many seconds.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 60 * 60)

# Content-Security-Policy (django-csp 4) and the other security headers on every response.
# No inline script or style anywhere: scripts and styles come from our own static files, so
# an escaping mistake cannot run a script or restyle a page. The PDF templates are laid out
# by WeasyPrint, never served to a browser, so their inline <style> is outside this policy.
# Right after SecurityMiddleware, so every response gets them, including the redirects and the
# lockout page that later middleware (sessions, second factor, axes) answer with.
MIDDLEWARE[1:1] = [
    "csp.middleware.CSPMiddleware",
    "iro_service.middleware.SecurityHeadersMiddleware",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Static files from a CDN: its origin may serve the scripts, styles, images and fonts.
if "://" in STATIC_URL:
    _cdn = "/".join(STATIC_URL.split("/")[:3])
    for _directive in ("script-src", "style-src", "img-src", "font-src"):
        CONTENT_SECURITY_POLICY["DIRECTIVES"][_directive].append(_cdn)

# Statutory dates (docs/rules.md#review-timescales). Children on short breaks (legal status V3, V4) are
# reviewed under reg 48 (first within 3 months of the first placement, then every 6 months):
# the law, so on by default; an authority reviewing them under reg 33 by local policy turns it off.
SHORT_BREAKS_REG48 = env.bool("SHORT_BREAKS_REG48", default=True)
# An authority's closure days never move a statutory date (reg 2). They move its own local
# targets (record distribution, dispute responses) only when this says so.
CLOSURE_DAYS_MOVE_LOCAL_TARGETS = env.bool("CLOSURE_DAYS_MOVE_LOCAL_TARGETS", default=False)

# Child protection conferences (docs/rules.md#child-protection), for a service that also chairs
# them: the annual report's child protection section and the conference pages show when on.
CHAIRS_CHILD_PROTECTION_CONFERENCES = env.bool("CHAIRS_CHILD_PROTECTION_CONFERENCES", default=True)
# How one child on a child protection plan weighs against one looked-after child in a caseload
# (the authority's choice; 1.0 counts them the same).
CP_CASE_WEIGHT = Decimal(env.str("CP_CASE_WEIGHT", default="1.0"))
# The local target for distributing a conference's minutes, in working days after it.
CP_MINUTES_WORKING_DAYS = env.int("CP_MINUTES_WORKING_DAYS", default=20)
# Whether a plan may carry more than one category of abuse (the CIN census then reports MUL).
CP_MULTIPLE_CATEGORIES = env.bool("CP_MULTIPLE_CATEGORIES", default=True)
# The authority's three-digit LA number, written as the CIN census return's <LEA>.
CIN_CENSUS_LEA = env.str("CIN_CENSUS_LEA", default="")

#: Children of an SSDA903 return checked, compared and written at a time: memory grows with
#: this, not with the return (docs/decisions/0006-streamed-interchange.md). At most 2,000, the
#: rows of one IN (...) query the planner asks.
SSDA903_IMPORT_CHUNK = env.int("SSDA903_IMPORT_CHUNK", default=2000)

# The child's voice (docs/rules.md#the-childs-voice): how long a consultation or feedback link
# stays open (days), the age from which a child gets the young person's version of the forms, and
# how many times one address may open or post to the forms in a minute before it is asked to wait.
VOICE_LINK_DAYS = env.int("VOICE_LINK_DAYS", default=28)
VOICE_YOUNG_PERSON_AGE = env.int("VOICE_YOUNG_PERSON_AGE", default=11)
VOICE_RATE_LIMIT_PER_MINUTE = env.int("VOICE_RATE_LIMIT_PER_MINUTE", default=30)
# GOV.UK Notify (docs/decisions/0010-the-childs-voice.md): with an API key, links go by Notify's
# email, SMS and letter; without one, by Django's email backend (the console in the demo).
NOTIFY_API_KEY = env.str("NOTIFY_API_KEY", default="")
NOTIFY_EMAIL_TEMPLATE_ID = env.str("NOTIFY_EMAIL_TEMPLATE_ID", default="")
NOTIFY_SMS_TEMPLATE_ID = env.str("NOTIFY_SMS_TEMPLATE_ID", default="")
NOTIFY_LETTER_TEMPLATE_ID = env.str("NOTIFY_LETTER_TEMPLATE_ID", default="")

# --- The child's voice: what it adds to the pages of reviews (reviews never imports voice) ----
# Panels at the very top of an IRO's start page, above their deadlines (the answers not yet
# read): called like HOME_SECTIONS, with user and today; the template under "template", the
# children shown under "child_ids".
HOME_TOP_SECTIONS = ["voice.sections.home_unread"]
# Panels on a review's page: each is called with review, user and today and returns its
# template's context, the template under "template".
REVIEW_DETAIL_SECTIONS = ["voice.sections.review_voice"]
# The function the review record form asks, with review (the booked review), whether the child
# conveyed their views before it: a short description ("Tia answered the consultation form on
# 3 December 2026") or None. The form then offers PN6. Empty: never.
REVIEW_VIEWS_CONVEYED = "voice.sections.views_conveyed"
# Anonymising keeps an answer's choices (the report counts them) and drops its text answers.
CHILD_SHARED_ROW_STEPS = [*CHILD_SHARED_ROW_STEPS, "voice.erasure.child_answers"]
