from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .api import json_response
from .openapi import build_document


@require_GET
def openapi_document(request: HttpRequest) -> HttpResponse:
    return json_response(build_document())


@require_GET
def api_docs(request: HttpRequest) -> HttpResponse:
    return render(request, "core/api_docs.html", {"document": build_document()})


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """A trivial view: the baseline that load benchmarks compare real endpoints against."""
    return json_response({"status": "ok"})
