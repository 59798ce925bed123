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
        data = json.loads(request.body.decode("utf-8") or "null", parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError, and ints beyond 4300 digits
        raise BadRequestBody(f"De inhoud is geen geldige JSON: {exc}") from exc
    except RecursionError as exc:
        raise BadRequestBody("De inhoud is te diep genest.") from exc
    if not _storable(data):
        raise BadRequestBody(
            "De inhoud bevat een ongeldig teken (een NUL-teken of een losse UTF-16-surrogaat); "
            "verwijder het en probeer het opnieuw."
        )
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is geen geldige JSON-waarde")


def _storable(data: Any) -> bool:
    """False when a string anywhere (keys too) holds NUL (PostgreSQL refuses it) or a lone surrogate."""
    pending = [data]
    while pending:  # iterative: a deeply nested body must not exhaust the stack
        value = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return False
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return True
