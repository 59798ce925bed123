"""Waiting times of a service in the JSON API: the public history (GET) and a provider's new figure (POST,
bearer token or a two-factor session).

Here, not in the social map's router, because the POST needs the accounts gate (API_AUTH) and accounts already
imports the social map (no cycles between apps); and both methods live in this one router because django-ninja
gives each router its own URL pattern, so a second router on the same path would never be reached. The reads
and writes themselves are the social map's.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from wegwijzer.accounts.auth import API_AUTH
from wegwijzer.audit.context import access_context
from wegwijzer.core.apikit import BODY_ERRORS, ApiError, errors
from wegwijzer.socialmap import schemas, selectors
from wegwijzer.socialmap.wait_times import NotYourService, WaitTimeInfo, WaitTimeRefused, wait_time_report

router = Router(tags=["sociale kaart"])


def _service(id: str) -> Any:
    service = selectors.service_get(id)
    if service is None:
        raise ApiError(404, _("Aanbod '%(key)s' bestaat niet.") % {"key": id[:100]})
    return service


@router.get(
    "/services/{id}/wait-times", response={200: schemas.WaitTimeHistoryOut, **errors(400, 404)},
    url_name="api-service-wait-times", summary="Wachttijden van één aanbod (nieuwste peildatum eerst)",
    exclude_none=True,
)
def service_wait_times(request: HttpRequest, id: str, response: HttpResponse) -> Any:
    response["Access-Control-Allow-Origin"] = "*"  # public and read-only, like the rest of the map
    service = _service(id)
    history = selectors.service_wait_time_history(service)
    return {"service_id": service.pk, "slug": service.slug, "total_items": len(history), "contents": history}


@router.post(
    "/services/{id}/wait-times", response={201: schemas.WaitTimeOut, **errors(401, 403, 404, *BODY_ERRORS)},
    url_name="api-service-wait-time-report", summary="Een aanbieder meldt de wachttijd van een eigen aanbod",
    exclude_none=True, auth=API_AUTH, tags=["aanbieders"],
)
def service_wait_time_report(request: HttpRequest, id: str, payload: schemas.WaitTimeIn) -> Any:
    # Another organisation's service, or an account that is no provider: the same 404 as an unknown id,
    # so the API does not tell which services exist for whom.
    not_found = ApiError(404, _("Aanbod '%(key)s' bestaat niet of is niet van uw organisatie.") % {"key": id[:100]})
    service = selectors.service_get(id)
    if service is None:
        raise not_found
    try:
        row = wait_time_report(service=service, weeks=payload.weeks, measured_on=payload.measured_on,
                               user=request.user, context=access_context(request))
    except NotYourService:
        raise not_found from None
    except WaitTimeRefused as exc:
        raise ApiError(422, _("De wachttijd is niet opgeslagen."), exc.errors) from None
    return Status(201, WaitTimeInfo.of(row))
