"""Small shared helpers for the JSON API: one error shape everywhere, request body parsing.

Error shape (all 4xx): {"detail": "<Dutch message>", "errors": {"<field>": ["<Dutch message>", ...]}}
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse

MAX_BODY_BYTES = 256 * 1024


def json_response(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def json_error(status: int, detail: str, errors: dict[str, list[str]] | None = None) -> JsonResponse:
    body: dict[str, Any] = {"detail": detail}
    if errors:
        body["errors"] = errors
    return json_response(body, status=status)


class BadRequestBody(Exception):
    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


def parse_json_body(request: HttpRequest) -> Any:
    """The request body as JSON, or BadRequestBody with a Dutch message (never a 500)."""
    if len(request.body) > MAX_BODY_BYTES:
        raise BadRequestBody("Het verzoek is te groot.")
    try:
        return json.loads(request.body.decode("utf-8") or "null")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequestBody(f"De inhoud is geen geldige JSON: {exc}") from exc
