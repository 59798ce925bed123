"""Pages for "Klopt er iets niet?" (anyone) and the editors' work lists (role `redacteur`, two-factor).

Thin: the writes and reads are in corrections.py; these views only translate refusals into pages.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from wegwijzer.audit.context import access_context

from . import corrections, proposals, selectors
from .models import Correction, EditProposal, Wijk


def _record_or_404(slug: str) -> Any:
    obj = selectors.record_get(slug)
    if obj is None or isinstance(obj, Wijk):
        raise Http404(slug)
    return obj


def correction_form_context(obj: Any, data: dict[str, str] | None = None,
                            errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {
        "record": obj,
        "topics": Correction.Topic.choices,
        "data": data or {"topic": Correction.Topic.OTHER},
        "errors": errors or {},
        "action": reverse("socialmap:correction", args=[obj.slug]),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def correction_new(request: HttpRequest, slug: str) -> HttpResponse:
    obj = _record_or_404(slug)
    if request.method != "POST":
        return render(request, "socialmap/correction_form.html", correction_form_context(obj))
    data = {k: str(request.POST.get(k, ""))[:5000] for k in ("topic", "message", "reply_email", "homepage")}
    try:
        corrections.correction_submit(
            record=obj, topic=data["topic"], message=data["message"], reply_email=data["reply_email"],
            honeypot=data["homepage"], user=request.user, context=access_context(request),
        )
    except corrections.CorrectionRefused as exc:
        return render(request, "socialmap/correction_form.html",
                      correction_form_context(obj, data, exc.errors), status=400)
    except corrections.RateLimited:
        return render(request, "socialmap/correction_form.html",
                      correction_form_context(obj, data, {"form": [
                          "U hebt het afgelopen uur al een aantal meldingen gestuurd. Probeer het later opnieuw."
                      ]}), status=429)
    return HttpResponseRedirect(reverse("socialmap:correction-thanks", args=[obj.slug]))


def correction_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "socialmap/correction_thanks.html", {"record": _record_or_404(slug)})


def _editor_only(request: HttpRequest) -> None:
    if not corrections._is_editor(request.user):
        raise Http404("geen redacteur")  # no hint that the page exists


def otp_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous → the login page (with ?next=), which also asks the second factor. The same gate as
    accounts.auth.otp_required, kept here because accounts imports the social map (no cycles)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or not user.is_active:
            return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
        return view(request, *args, **kwargs)

    return wrapper


@otp_required
def editorial_home(request: HttpRequest) -> HttpResponse:
    _editor_only(request)
    status = request.GET.get("status", "")
    counts = corrections.correction_counts(user=request.user)
    return render(request, "socialmap/editorial.html", {
        "corrections": corrections.correction_list(user=request.user, status=status),
        "statuses": [(value, label, counts[value]) for value, label in Correction.Status.choices],
        "status": status if status in Correction.Status.values else "",
        "review": corrections.review_rows(user=request.user),
        "review_cycle_days": settings.REVIEW_CYCLE_DAYS,
    })


@otp_required
def editorial_completeness(request: HttpRequest) -> HttpResponse:
    _editor_only(request)
    rows = corrections.completeness_rows(user=request.user)
    totals = {f: sum(1 for r in rows if r["missing"].get(f)) for f in corrections.COMPLETENESS_FIELDS}
    return render(request, "socialmap/editorial_completeness.html", {"rows": rows, "totals": totals})


@otp_required
@require_http_methods(["GET", "HEAD", "POST"])
def editorial_correction(request: HttpRequest, correction_id: str) -> HttpResponse:
    _editor_only(request)
    try:
        correction = corrections.correction_get(user=request.user, correction_id=correction_id)
    except (Correction.DoesNotExist, ValueError) as exc:
        raise Http404(correction_id) from exc
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            corrections.correction_update(
                correction_id=correction.pk, status=str(request.POST.get("status", "")),
                reply=str(request.POST.get("reply", ""))[:5000], user=request.user, context=access_context(request),
            )
        except corrections.CorrectionRefused as exc:
            errors = exc.errors
        else:
            return HttpResponseRedirect(reverse("socialmap:editorial-correction", args=[correction.pk]))
    record = selectors.record_get(correction.record_slug)
    return render(request, "socialmap/editorial_correction.html", {
        "correction": correction, "statuses": Correction.Status.choices, "errors": errors,
        "record_url": selectors.detail_url(correction.record_slug) if record is not None else "",
        "admin_url": corrections._admin_url(record) if record is not None and not isinstance(record, Wijk) else "",
    }, status=400 if errors else 200)


# ---------------------------------------------------------------- providers' edit proposals (four eyes)


@otp_required
def editorial_proposals(request: HttpRequest) -> HttpResponse:
    _editor_only(request)
    status = request.GET.get("status", EditProposal.Status.NEW)
    return render(request, "socialmap/editorial_proposals.html", {
        "proposals": proposals.proposal_list(user=request.user, status=status),
        "statuses": EditProposal.Status.choices, "status": status if status in EditProposal.Status.values else "",
    })


@otp_required
@require_http_methods(["GET", "HEAD", "POST"])
def editorial_proposal(request: HttpRequest, proposal_id: str) -> HttpResponse:
    _editor_only(request)
    try:
        proposal = proposals.proposal_get(user=request.user, proposal_id=proposal_id)
    except (EditProposal.DoesNotExist, ValueError) as exc:
        raise Http404(proposal_id) from exc
    errors: dict[str, list[str]] = {}
    reply = ""
    if request.method == "POST":
        decision = str(request.POST.get("decision", ""))
        reply = str(request.POST.get("reply", ""))[:5000]
        try:
            if decision == "approve":
                proposals.proposal_approve(user=request.user, proposal_id=proposal.pk, reply=reply,
                                           context=access_context(request))
            elif decision == "reject":
                proposals.proposal_reject(user=request.user, proposal_id=proposal.pk, reply=reply,
                                          context=access_context(request))
            else:
                errors = {"form": ["Kies goedkeuren of afwijzen."]}
        except proposals.ProposalRefused as exc:
            errors = exc.errors
        except proposals.OwnProposal:
            errors = {"form": ["U diende dit voorstel zelf in; een andere redacteur moet het beoordelen."]}
        except proposals.AlreadyHandled:
            errors = {"form": ["Dit voorstel is al behandeld."]}
        if not errors:
            return HttpResponseRedirect(reverse("socialmap:editorial-proposal", args=[proposal.pk]))
        proposal.refresh_from_db()
    return render(request, "socialmap/editorial_proposal.html", {
        "proposal": proposal, "rows": proposals.proposal_rows(proposal), "errors": errors, "reply": reply,
        "own": proposal.proposed_by_id == request.user.pk,
        "record_url": selectors.detail_url(proposal.record_slug),
    }, status=400 if errors else 200)
