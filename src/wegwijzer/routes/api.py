"""JSON API of the route guide: POST /api/v1/advice (a situation in, an advice out)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from wegwijzer.core.api import BadRequestBody, allow_methods, json_error, json_response, parse_json_body

from .engine.situation import SituationError
from .service import advise


@csrf_exempt  # a JSON API without cookie authentication: no CSRF surface
@allow_methods("POST")
def advice(request: HttpRequest) -> HttpResponse:
    try:
        data = parse_json_body(request)
    except BadRequestBody as exc:
        return json_error(exc.status, exc.detail)
    try:
        result = advise(data, tally=True)
    except SituationError as exc:
        return json_error(422, SituationError.detail, exc.errors)
    return json_response(result)
