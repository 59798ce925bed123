"""Small shared helpers for the JSON API: one error shape everywhere, request body parsing.

Error shape (all 4xx): {"detail": "<Dutch message>", "errors": {"<field>": ["<Dutch message>", ...]}}
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext as _

MAX_BODY_BYTES = 256 * 1024


def json_response(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def json_error(status: int, detail: str, errors: dict[str, list[str]] | None = None) -> JsonResponse:
    body: dict[str, Any] = {"detail": detail}
    if errors:
        body["errors"] = errors
    return json_response(body, status=status)


class BadRequestBody(Exception):
    """A body the API cannot use; callers answer `json_error(exc.status, exc.detail)`."""

    status = 400

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class UnsupportedMediaType(BadRequestBody):
    status = 415


class BodyTooLarge(BadRequestBody):
    status = 413


# application/json and structured-syntax suffixes such as application/merge-patch+json (RFC 6839)
_JSON_MEDIA_TYPE = re.compile(r"^application/(?:[a-z0-9!#$&^_.-]+\+)?json$")


def too_large_detail() -> str:
    return _("Het verzoek is te groot: maximaal %(kb)d kB.") % {"kb": max_body_bytes() // 1024}


def max_body_bytes() -> int:
    """The smaller of our own JSON limit and Django's DATA_UPLOAD_MAX_MEMORY_SIZE."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return MAX_BODY_BYTES if limit is None else min(MAX_BODY_BYTES, limit)


def check_json_content_type(request: HttpRequest) -> None:
    """UnsupportedMediaType unless the request says its body is JSON (UTF-8; RFC 8259 allows nothing else)."""
    media_type, params = parse_header_parameters(request.META.get("CONTENT_TYPE", ""))
    media_type = media_type.strip().lower()
    if not _JSON_MEDIA_TYPE.match(media_type):
        shown = media_type[:100] or _("geen")
        raise UnsupportedMediaType(
            _("Stuur de inhoud als JSON met de header 'Content-Type: application/json' (ontvangen: %(type)s).")
            % {"type": shown}
        )
    charset = params.get("charset", "utf-8").strip().lower()
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(
            _("JSON moet in UTF-8 zijn gecodeerd (ontvangen: charset=%(charset)s).") % {"charset": charset[:50]}
        )


def parse_json_body(request: HttpRequest) -> Any:
    """The request body as JSON, or BadRequestBody with a Dutch message (never a 500).

    A non-empty body must say `Content-Type: application/json` (or `application/*+json`), else 415;
    an empty body is None whatever its type, so body-less POSTs (close, withdraw) keep working.
    A body over the limit is 413.
    """
    length = request.META.get("CONTENT_LENGTH") or "0"
    if length.isdigit() and int(length) > max_body_bytes():
        raise BodyTooLarge(too_large_detail())  # before reading it: do not buffer what we refuse
    try:
        body = request.body
    except RequestDataTooBig as exc:
        raise BodyTooLarge(too_large_detail()) from exc
    if len(body) > max_body_bytes():
        raise BodyTooLarge(too_large_detail())
    if not body:
        return None
    check_json_content_type(request)
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_no_constant)
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


def unstorable_url_parts(request: HttpRequest) -> dict[str, list[str]]:
    """Query parameters holding NUL or a lone surrogate, which no database stores or matches.

    PostgreSQL refuses NUL in a text comparison with a DataError, so `?search=%00` would be a 500; it is a
    400 naming the parameter instead. (A path with NUL names no record: the endpoint's own 404.)
    """
    message = _("Bevat een ongeldig teken (een NUL-teken of een losse UTF-16-surrogaat).")
    errors: dict[str, list[str]] = {}
    for key, values in request.GET.lists():
        if not _storable(key) or not _storable(values):
            errors[key.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")[:100] or "?"] = [message]
    return errors


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


# ---- the one 405 of the API ----


def method_not_allowed(allowed: Iterable[str]) -> JsonResponse:
    allowed = tuple(allowed)
    response = json_error(
        405, _("Deze methode is niet toegestaan. Toegestaan: %(methods)s.") % {"methods": ", ".join(allowed)}
    )
    response["Allow"] = ", ".join(allowed)
    return response


# ---- the answers every operation can give, in the generated OpenAPI document ----

SAFE_METHODS = frozenset({"get", "head", "options", "trace"})
COMMON_RESPONSES = (
    "Elk endpoint antwoordt op een niet-gedeclareerde methode met 405 en een Allow-header (vóór CSRF en "
    "authenticatie); op een body die geen JSON-Content-Type heeft (application/json of application/*+json, "
    "UTF-8) met 415; op een body groter dan 256 kB met 413; en als de database onbereikbaar is met 503 en "
    "Retry-After. Alle foutantwoorden hebben de vorm ErrorOut: detail (Nederlandse melding) en errors (per veld)."
)
ERROR_HEADERS = {
    "401": {"WWW-Authenticate": {"schema": {"type": "string", "example": "Bearer"}}},
    "405": {"Allow": {"schema": {"type": "string", "example": "GET, HEAD"}}},
}
ERROR_DESCRIPTIONS = {
    "400": "Ongeldige invoer: geen geldige JSON of een parameter van het verkeerde type (genoemd in errors).",
    "401": "Niet ingelogd of token ongeldig (ontbreekt, onbekend, verlopen of ingetrokken); WWW-Authenticate: Bearer.",
    "403": "Geen toegang: buiten need-to-know, of de CSRF-controle van een browsersessie mislukte.",
    "404": "Niet gevonden (of niet zichtbaar voor u).",
    "405": "Deze methode is niet toegestaan op dit pad; de header Allow noemt wat wel mag.",
    "409": "Conflict met de huidige toestand (bijvoorbeeld intussen door een ander gewijzigd).",
    "413": "Het verzoek is te groot.",
    "415": "De inhoud is geen JSON (Content-Type application/json of application/*+json, UTF-8).",
    "422": "De invoer is niet geldig: per veld wat er mis is.",
}


def document_common_errors(document: dict[str, Any], error_ref: str) -> dict[str, Any]:
    """Adds to every operation the error answers the API layer itself gives, in the one error shape:
    405 everywhere (undeclared methods, before CSRF and authentication); 400/413/415/422 with a body;
    401 with security, and 403 on unsafe methods for the CSRF check of session callers. Error
    descriptions become Dutch. An operation's own declarations stay."""
    error = {"application/json": {"schema": {"$ref": error_ref}}}
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            codes = {"405"}
            if "requestBody" in operation:
                codes |= {"400", "413", "415", "422"}
            if operation.get("security"):
                codes.add("401")
                if method not in SAFE_METHODS:
                    codes.add("403")
            responses = {str(code): answer for code, answer in operation.get("responses", {}).items()}
            for code in codes:
                responses.setdefault(code, {"description": "", "content": error})
            for code, response in responses.items():
                if code in ERROR_DESCRIPTIONS and response.get("description") in ("", HTTPStatus(int(code)).phrase):
                    response["description"] = ERROR_DESCRIPTIONS[code]  # ninja's default is the English phrase
                if code in ERROR_HEADERS:
                    response.setdefault("headers", ERROR_HEADERS[code])
            operation["responses"] = dict(sorted(responses.items()))
    return document
