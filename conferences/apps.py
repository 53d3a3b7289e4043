from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "conferences"
    verbose_name = "Child protection conferences"

    def ready(self):
        # The caseload table counts a chair's families by the conferences their children share;
        # children may not name this app's models, so this app tells it how.
        from children.querysets import register_family_key  # noqa: PLC0415 (apps load first)

        from .querysets import family_key  # noqa: PLC0415

        register_family_key(family_key)
