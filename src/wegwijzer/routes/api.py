"""JSON API of the route guide: POST /api/v1/advice (a situation in, an advice out).

The situation is validated by the engine itself (`validate_situation`: the one place that knows the
contract), so the body is taken as a JSON object here and refused with the engine's per-field errors.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Body, Router

from wegwijzer.core.apikit import BODY_ERRORS, ApiError, errors

from .engine.situation import SituationError
from .service import advise

router = Router(tags=["routewijzer"])


@router.post(
    "/advice",
    url_name="api-advice",
    summary="Route-advies voor een situatie",
    response={200: dict[str, Any], **errors(*BODY_ERRORS)},
)
def advice(request: HttpRequest, situation: dict[str, Any] = Body(...)) -> dict[str, Any]:  # noqa: B008
    try:
        return advise(situation, tally=True)
    except SituationError as exc:
        raise ApiError(422, SituationError.detail, exc.errors) from exc
