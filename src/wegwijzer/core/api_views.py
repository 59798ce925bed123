"""JSON API of core: liveness and readiness (GET /api/v1/health, /api/v1/health/ready), on the one API."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from . import health

RETRY_AFTER_SECONDS = 30

router = Router(tags=["gezondheid"])


class Liveness(Schema):
    status: Literal["ok"]
    detail: str = Field(description="Nederlandse toelichting.")


class ReadinessCheck(Schema):
    ok: bool
    detail: str = Field(description="Nederlandse toelichting.")


class Readiness(Schema):
    status: Literal["ready", "not_ready"]
    detail: str = Field(description="Nederlandse samenvatting.")
    checks: dict[str, ReadinessCheck] = Field(
        description="database, social_map (de sociale kaart heeft records), route_rules (de routeregels laden), "
        "search_index (de zoekindex is gevuld)."
    )
    missing: list[str] = Field(
        default_factory=list, description="Namen van de checks die falen (alleen als het niet klaar is)."
    )


@router.get(
    "/health",
    url_name="api-health",
    operation_id="healthLive",
    summary="Liveness: het proces antwoordt",
    description="Altijd 200 zolang het proces draait; controleert de database niet. Gebruik /health/ready voor "
    "gereedheid.",
    response={200: Liveness},
)
def health_live(request: HttpRequest) -> Liveness:
    """Constant, no database (also the baseline that load benchmarks compare against)."""
    return Liveness(
        status="ok",
        detail=_(
            "Het proces antwoordt (liveness). Of de database, de inhoud en de zoekindex klaar zijn, "
            "staat op /api/v1/health/ready."
        ),
    )


@router.get(
    "/health/ready",
    url_name="api-health-ready",
    operation_id="healthReady",
    summary="Readiness: database, inhoud en zoekindex klaar",
    description="200 als de database bereikbaar is, de sociale kaart records heeft, de routeregels laden en de "
    "zoekindex gevuld is; anders 503 met per check wat ontbreekt en Retry-After.",
    response={200: Readiness, 503: Readiness},
    openapi_extra={"responses": {503: {"headers": {"Retry-After": {"schema": {"type": "integer"}}}}}},
    exclude_unset=True,  # "missing" only when something is
)
def health_ready(request: HttpRequest, response: HttpResponse) -> Status:
    ready, checks = health.readiness()
    status = "ready" if ready else "not_ready"
    as_json = health.as_json(checks)
    if ready:
        body = {"status": status, "checks": as_json, "detail": _("Klaar: database, inhoud en zoekindex zijn in orde.")}
        return Status(200, body)
    detail = _("Niet klaar: %(missing)s.") % {"missing": "; ".join(c.detail for c in checks if not c.ok)}
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return Status(503, {"status": status, "checks": as_json, "detail": detail, "missing": [c.name for c in checks if not c.ok]})
