from django.conf import settings

from .roles import role_of


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "service_name": settings.SERVICE_NAME,
        "user_role": role_of(user) if user is not None else "",
        "chairs_conferences": settings.CHAIRS_CHILD_PROTECTION_CONFERENCES,
    }
