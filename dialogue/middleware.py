from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Send one fixed Content-Security-Policy: the app loads scripts and styles only from itself.

    Templates therefore carry no inline script or style attribute; htmx's own indicator style is
    switched off in base.html for the same reason.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response
