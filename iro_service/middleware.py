"""Pages showing children's data must not be kept in shared or browser caches."""


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store, private"
        return response


class SecurityHeadersMiddleware:
    """A Permissions-Policy on every response: the service uses no camera, microphone,
    location, payment or USB device and takes part in no interest-based advertising, so a
    page (or a script injected into one) may ask for none of them. The Content-Security-Policy
    comes from django-csp (settings ``CONTENT_SECURITY_POLICY``); X-Frame-Options, HSTS,
    nosniff and Cross-Origin-Opener-Policy from Django's own middleware."""

    PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        return response
