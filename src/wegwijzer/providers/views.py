"""A provider's page: the waiting times of its own organisation's services (two-factor, role `aanbieder`).

Thin: reads and writes are the social map's (wait_times.py); these views turn refusals into pages.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from wegwijzer.accounts.auth import otp_required
from wegwijzer.audit.context import access_context
from wegwijzer.socialmap import selectors
from wegwijzer.socialmap.wait_times import (
    NotYourService,
    WaitTimeRefused,
    provider_services,
    wait_time_report,
)


def _own_services(request: HttpRequest) -> list[Any]:
    try:
        return provider_services(user=request.user)
    except NotYourService:
        raise Http404("geen aanbieder") from None  # no hint that the page exists


def _page(request: HttpRequest, *, errors: dict[str, Any] | None = None, data: dict[str, Any] | None = None,
          status: int = 200) -> HttpResponse:
    services = _own_services(request)
    waits = selectors.current_wait_times(s.pk for s in services)
    organization = selectors.organization_get(request.user.organization_slug)  # type: ignore[union-attr]
    saved = request.GET.get("opgeslagen", "")
    rows = [{
        "service": s, "wait_time": waits.get(s.pk), "saved": saved == str(s.pk),
        "errors": (errors or {}).get(str(s.pk), {}), "data": (data or {}).get(str(s.pk), {}),
        "action": reverse("providers:wait-time", args=[s.pk]),
    } for s in services]
    return render(request, "providers/wait_times.html", {
        "organization": organization, "rows": rows, "today": timezone.localdate(),
    }, status=status)


@otp_required
@require_http_methods(["GET", "HEAD"])
def wait_times(request: HttpRequest) -> HttpResponse:
    return _page(request)


@otp_required
@require_POST
def wait_time_new(request: HttpRequest, service_id: str) -> HttpResponse:
    service = next((s for s in _own_services(request) if str(s.pk) == str(service_id)), None)
    if service is None:
        raise Http404(service_id)  # another organisation's service looks like no service at all
    data = {k: str(request.POST.get(k, ""))[:50] for k in ("weeks", "measured_on")}
    try:
        wait_time_report(service=service, weeks=data["weeks"], measured_on=data["measured_on"], user=request.user,
                         context=access_context(request))
    except NotYourService:
        raise Http404(service_id) from None
    except WaitTimeRefused as exc:
        return _page(request, errors={str(service.pk): exc.errors}, data={str(service.pk): data}, status=400)
    return HttpResponseRedirect(f"{reverse('providers:wait-times')}?opgeslagen={service.pk}#aanbod-{service.slug}")
