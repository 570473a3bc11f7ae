"""Middleware every page goes through: forwarded headers only from our proxies, no caching of private
responses, and a Permissions-Policy."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers

from fabrique.core.clientip import from_trusted_proxy

FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")


class ForwardedHeadersMiddleware:
    """A request that did not come through one of `TRUSTED_PROXIES` loses its X-Forwarded-* headers, so
    nothing downstream (the client address, `request.is_secure()`) can believe a header the client wrote.
    First in MIDDLEWARE: SecurityMiddleware's HTTPS redirect reads X-Forwarded-Proto."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not from_trusted_proxy(request):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)


def permissions_policy_header(policy):
    """{"camera": [], "fullscreen": ["self"]} -> 'camera=(), fullscreen=(self)'."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())


class PrivateResponsesMiddleware:
    """`Cache-Control: no-store` (Django's never_cache headers) on every response Django builds unless a page
    open to everyone chose its own caching: signed-in pages, downloads and exports (any response with a
    Content-Disposition, signed links included) are never kept by a browser or a proxy, whatever their view
    says. Static files are served before this (WhiteNoise) and stay cacheable.

    Also sets the Permissions-Policy: the browser features the site does not use are denied to it and to
    anything it might embed."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or "Content-Disposition" in response or "Cache-Control" not in response:
            add_never_cache_headers(response)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        return response
