"""The building blocks of the one JSON API (django-ninja): error shape, body parser, renderer, handlers.

Every app contributes a `ninja.Router` in its `api.py`; `wegwijzer.conf.api` composes them into the one
`NinjaAPI` under /api/v1/ and calls `install(api)` from here, so that every app answers errors the same way:

    {"detail": "<Nederlandse melding>", "errors": {"<veld>": ["<Nederlandse melding>", ...]}}

for 400/401/403/404/405/409/413/415/422. An endpoint signals a refusal by raising `ApiError`; Django's
`Http404` becomes the same 404 body; pydantic validation errors become a 422 with the failing fields named.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.operation import PathView
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from .api import BadRequestBody, parse_json_body

if TYPE_CHECKING:
    from ninja import NinjaAPI


class ErrorOut(Schema):
    """The one error body of the API."""

    detail: str
    errors: dict[str, list[str]] | None = None


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """`response={200: Out, **errors(401, 404)}`: documents the error answers an operation can give."""
    return dict.fromkeys(statuses, ErrorOut)


BODY_ERRORS = (400, 413, 415, 422)


class ApiError(Exception):
    """Raised by an endpoint to answer a 4xx in the one error shape (plus optional extra top-level keys)."""

    def __init__(
        self,
        status: int,
        detail: str,
        errors: dict[str, list[str]] | None = None,
        *,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors
        self.extra = extra or {}
        self.headers = headers or {}


class DutchJSONRenderer(JSONRenderer):
    """JSON as UTF-8 text (ensure_ascii off): Dutch names and messages stay readable."""

    json_dumps_params = {"ensure_ascii": False}


class StrictJSONParser(Parser):
    """Bodies through the project's one JSON gate (Content-Type 415, size 413, NUL/surrogates/nesting 400)."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = parse_json_body(request)
        return {} if data is None else data


def operation_methods(view: Any) -> tuple[str, ...]:
    """The methods a django-ninja URL view serves: its PathView's operations (the view closes over it)."""
    for cell in getattr(view, "__closure__", None) or ():
        path_view = cell.cell_contents
        if isinstance(path_view, PathView):
            return tuple(sorted({m for op in path_view.operations for m in op.methods}))
    raise TypeError(f"{view!r} is not a django-ninja view")


def from_attribute(name: str) -> staticmethod[[Any], Any]:
    """A ninja resolver for an output field named otherwise than the model's attribute:
    `resolve_time = from_attribute("occurred_at")`."""
    return staticmethod(lambda obj: getattr(obj, name))


def error_body(detail: str, errors: dict[str, list[str]] | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": detail}
    if errors:
        body["errors"] = errors
    body.update(extra)
    return body


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    """A pydantic error location as the field name a client sent ("body", "payload" and "query" dropped)."""
    parts = [str(p) for p in loc]
    while parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        parts = parts[1:]
        # ninja names the body parameter after the view's argument ("payload"); clients never see it.
        if parts and parts[0] in {"payload", "data", "filters", "params"} and len(parts) > 1:
            parts = parts[1:]
    return ".".join(parts) or "non_field_errors"


_PYDANTIC_MESSAGES = {
    "missing": "Dit veld is verplicht.",
    "extra_forbidden": "Dit veld is onbekend.",
    "string_type": "Geef tekst.",
    "int_parsing": "Geef een geheel getal.",
    "int_type": "Geef een geheel getal.",
    "bool_parsing": "Geef true of false.",
    "bool_type": "Geef true of false.",
    "list_type": "Geef een lijst.",
    "dict_type": "Geef een object.",
    "model_type": "Geef een object.",
    "string_too_long": "Deze tekst is te lang.",
    "string_too_short": "Deze tekst is te kort.",
    "uuid_parsing": "Geef een geldige UUID.",
    "uuid_type": "Geef een geldige UUID.",
    "enum": "Kies een van de toegestane waarden.",
    "literal_error": "Kies een van de toegestane waarden.",
    "greater_than_equal": "Deze waarde is te klein.",
    "less_than_equal": "Deze waarde is te groot.",
    "datetime_parsing": "Geef een geldige datum en tijd (ISO 8601).",
    "datetime_from_date_parsing": "Geef een geldige datum en tijd (ISO 8601).",
    "date_parsing": "Geef een geldige datum (JJJJ-MM-DD).",
    "date_from_datetime_parsing": "Geef een geldige datum (JJJJ-MM-DD).",
    "json_invalid": "Geen geldige JSON.",
}


def validation_errors(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """pydantic/ninja errors as {field: [Dutch message]}; a custom validator's own (Dutch) message is kept."""
    out: dict[str, list[str]] = {}
    for error in errors:
        kind = str(error.get("type", ""))
        if kind == "value_error":
            message = str(error.get("ctx", {}).get("error", "") or error.get("msg", ""))
        else:
            message = _(_PYDANTIC_MESSAGES[kind]) if kind in _PYDANTIC_MESSAGES else _("Deze waarde is niet geldig.")
        out.setdefault(_field_name(error.get("loc", ())), []).append(message)
    return out


def install(api: NinjaAPI) -> None:
    """Register the one error shape on the composed API."""

    def respond(request: HttpRequest, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        response = api.create_response(request, body, status=status)
        for key, value in (headers or {}).items():
            response[key] = value
        return response

    @api.exception_handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return respond(request, exc.status, error_body(exc.detail, exc.errors, **exc.extra), exc.headers)

    @api.exception_handler(ValidationError)
    def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return respond(request, 422, error_body(_("De invoer is niet geldig."), validation_errors(exc.errors)))

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return respond(
            request, 401, error_body(_("Niet ingelogd of token ongeldig.")), {"WWW-Authenticate": "Bearer"}
        )

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        cause = exc.__cause__
        if isinstance(cause, BadRequestBody):  # the parser's own refusal: keep its status and message
            return respond(request, cause.status, error_body(cause.detail))
        return respond(request, exc.status_code, error_body(str(exc)))

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, error_body(_("Niet gevonden.")))

    @api.exception_handler(Exception)
    def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Never ninja's DEBUG traceback: Django's handlers (503 for an outage, the Dutch 500) take it.
        raise exc
