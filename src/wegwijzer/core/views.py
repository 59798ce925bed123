import logging
import sys

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .api import too_large_detail

logger = logging.getLogger("wegwijzer.core")

# Errors that mean "the database is not there", not "our code is wrong": answered 503 with Retry-After.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)
RETRY_AFTER_SECONDS = 30


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": "Niet gevonden."}, status=404)
    return render(request, "core/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls handler500 inside its except block: a database outage raised outside a view (e.g. by
    # the session middleware) is still a 503, not a 500.
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return service_unavailable(request)
    if _wants_json(request):
        return JsonResponse({"detail": "Er ging iets mis aan onze kant. Probeer het later opnieuw."}, status=500)
    return render(request, "core/500.html", status=500)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """503 while the database is unreachable. The page is standalone: base.html reads the session and the
    messages, which need the database."""
    if _wants_json(request):
        response: HttpResponse = JsonResponse(
            {"detail": _("De dienst is tijdelijk niet beschikbaar: de database is niet bereikbaar. "
                         "Probeer het over een halve minuut opnieuw.")},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = HttpResponse(render_to_string("core/503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def request_too_large(request: HttpRequest) -> HttpResponse:
    """413 for a body over the upload limit (DATA_UPLOAD_MAX_MEMORY_SIZE or our JSON limit)."""
    if _wants_json(request):
        return JsonResponse({"detail": too_large_detail()}, status=413, json_dumps_params={"ensure_ascii": False})
    return render(request, "core/413.html", status=413)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: Django's SuspiciousOperation answers, in Dutch; an oversized body is a 413."""
    if isinstance(exception, TOO_LARGE):
        return request_too_large(request)
    if _wants_json(request):
        return JsonResponse({"detail": _("Ongeldig verzoek.")}, status=400)
    return render(request, "core/400.html", status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form post: a Dutch page in the browser, a JSON body on the API."""
    if _wants_json(request):
        return JsonResponse(
            {"detail": "Verzoek geweigerd: de beveiligingscontrole (CSRF) ontbreekt of is verlopen."}, status=403
        )
    return render(request, "403_csrf.html", status=403)
