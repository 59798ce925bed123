"""A provider's pages (two-factor, role `aanbieder`): the waiting times of its own organisation's services,
and proposals to edit its own records, which an editor approves (four eyes).

Thin: reads and writes are the social map's (wait_times.py, proposals.py); these views turn refusals into pages.
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
from wegwijzer.socialmap import proposals, selectors
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


# ---------------------------------------------------------------- edit proposals (four eyes)


def _records(request: HttpRequest) -> list[Any]:
    try:
        return proposals.provider_records(user=request.user)
    except proposals.NotYourRecord:
        raise Http404("geen aanbieder") from None


@otp_required
@require_http_methods(["GET", "HEAD"])
def records(request: HttpRequest) -> HttpResponse:
    own = _records(request)
    return render(request, "providers/records.html", {
        "records": [{"record": r, "kind": proposals.kind_of(r)} for r in own],
        "proposals": proposals.provider_proposals(user=request.user),
        "submitted": request.GET.get("ingediend", ""),
    })


@otp_required
@require_http_methods(["GET", "HEAD", "POST"])
def record_propose(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    try:
        record = proposals.provider_record(user=request.user, kind=kind, slug=slug)
    except proposals.NotYourRecord:
        raise Http404(slug) from None  # another organisation's record looks like no record at all
    values = proposals.current_values(record)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = {name: str(request.POST.get(name, "")) for name in values if name in request.POST}
        try:
            proposal = proposals.proposal_submit(user=request.user, kind=kind, slug=slug, data=data,
                                                 context=access_context(request))
        except proposals.NotYourRecord:
            raise Http404(slug) from None
        except proposals.ProposalRefused as exc:
            errors = exc.errors
            values = {**values, **{k: v[:proposals.TEXT_MAX + 100] for k, v in data.items()}}  # nothing lost
        else:
            return HttpResponseRedirect(f"{reverse('providers:records')}?ingediend={proposal.pk}")
    fields = [{
        "name": name, "label": label, "value": values[name], "errors": errors.get(name, []),
        "long": name not in {"name", "summary", "email", "website"},
        "type": {"email": "email", "website": "url"}.get(name, "text"),
    } for name, label in proposals.fields_of(record)]
    return render(request, "providers/record_propose.html", {
        "record": record, "kind": kind, "fields": fields, "form_errors": errors.get("form", []),
        "action": reverse("providers:record-propose", args=[kind, record.slug]),
    }, status=400 if errors else 200)
