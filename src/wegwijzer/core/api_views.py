from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from . import health
from .api import allow_methods, json_response

RETRY_AFTER_SECONDS = 30


@allow_methods("GET")
def health_live(request: HttpRequest) -> HttpResponse:
    """Liveness: constant, no database (also the baseline that load benchmarks compare against)."""
    return json_response(
        {
            "status": "ok",
            "detail": _(
                "Het proces antwoordt (liveness). Of de database, de inhoud en de zoekindex klaar zijn, "
                "staat op /api/v1/health/ready."
            ),
        }
    )


@allow_methods("GET")
def health_ready(request: HttpRequest) -> HttpResponse:
    """Readiness: 200 with every check, or 503 naming what is missing."""
    ready, checks = health.readiness()
    body: dict[str, object] = {"status": "ready" if ready else "not_ready", "checks": health.as_json(checks)}
    if ready:
        body["detail"] = _("Klaar: database, inhoud en zoekindex zijn in orde.")
        return json_response(body)
    missing = [c.name for c in checks if not c.ok]
    body["detail"] = _("Niet klaar: %(missing)s.") % {"missing": "; ".join(c.detail for c in checks if not c.ok)}
    body["missing"] = missing
    response = json_response(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
