"""Pages for the route content in the browser (issue 15 items 2–4): role `redacteur` or `beleid`, after the
second factor; anyone else gets a 404 (no hint the pages exist). Thin: the writes, checks and the effect
preview are in drafts.py; these views only translate refusals into pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from wegwijzer.accounts.auth import otp_required
from wegwijzer.audit.context import access_context

from . import drafts, rule_problems
from .forms_content import RuleForm, VignetteForm
from .labels import vocabulary
from .models import ContentDraft
from .releases import ContentReleaseError, content_release_list


def _editor_only(request: HttpRequest) -> None:
    if not drafts.may_edit(request.user):
        raise Http404("geen redacteur of beleidsmedewerker")


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", "-1"))
    except ValueError:
        return -1


def _home_context(**extra: Any) -> dict[str, Any]:
    open_drafts = {d.path: d for d in ContentDraft.objects.filter(status__in=ContentDraft.OPEN)}
    files = [{**row, "draft": open_drafts.get(row["path"])} for row in drafts.editable_files()]
    rules = drafts.rule_list()
    return {
        "files": files, "rules": rules, "drafts": drafts.content_draft_list(), "publications": drafts.publication_list(),
        "releases": list(content_release_list()[:20]), "live": drafts.live_summary(),
        "errors": {}, "reason": "", **extra,
    }


@otp_required
def content_home(request: HttpRequest) -> HttpResponse:
    _editor_only(request)
    return render(request, "routeguide/content_home.html", _home_context(
        published=request.GET.get("gepubliceerd") == "1", rolled_back=request.GET.get("teruggezet") == "1"))


def _editor_context(request: HttpRequest, path: str, draft: ContentDraft | None, **extra: Any) -> dict[str, Any]:
    return {
        "path": path, "draft": draft, "own": draft is not None and request.user.pk in (
            draft.author_id, draft.edited_by_id),
        "problems": drafts.draft_problems(draft) if draft else [],
        "text": draft.text if draft else drafts.file_text(path),
        "version": draft.version if draft else 0,
        "errors": {}, "reason": "", **extra,
    }


@otp_required
@require_http_methods(["GET", "HEAD", "POST"])
def content_file(request: HttpRequest, path: str) -> HttpResponse:
    _editor_only(request)
    try:
        current = drafts.file_text(path)
    except drafts.DraftError as exc:
        raise Http404(path) from exc
    draft = drafts.open_draft(path)
    if request.method != "POST":
        if draft is not None:
            return HttpResponseRedirect(reverse("routeguide:content-draft", args=[draft.pk]))
        return render(request, "routeguide/content_draft.html", _editor_context(request, path, None))
    text = str(request.POST.get("text", ""))
    try:
        saved = drafts.content_draft_save(actor=request.user, path=path, text=text,
                                          expected_version=_version(request), context=access_context(request))
    except drafts.DraftError as exc:
        status = 409 if isinstance(exc, drafts.DraftConflict) else 400
        context = _editor_context(request, path, draft, errors=exc.errors, text=text or current)
        return render(request, "routeguide/content_draft.html", context, status=status)
    return HttpResponseRedirect(reverse("routeguide:content-draft", args=[saved.pk]) + "?opgeslagen=1")


@otp_required
def content_draft(request: HttpRequest, draft_id: int) -> HttpResponse:
    _editor_only(request)
    try:
        draft = drafts.content_draft_get(draft_id)
    except ContentDraft.DoesNotExist as exc:
        raise Http404(str(draft_id)) from exc
    effect = drafts.draft_effect(draft) if draft.status in ContentDraft.OPEN else None
    return render(request, "routeguide/content_draft.html", _editor_context(
        request, draft.path, draft, effect=effect, saved=request.GET.get("opgeslagen") == "1"))


ACTIONS = {"goedkeuren": "approve", "afwijzen": "reject", "publiceren": "publish"}


@otp_required
@require_POST
def content_draft_action(request: HttpRequest, draft_id: int, action: str) -> HttpResponse:
    _editor_only(request)
    if action not in ACTIONS:
        raise Http404(action)
    try:
        draft = drafts.content_draft_get(draft_id)
    except ContentDraft.DoesNotExist as exc:
        raise Http404(str(draft_id)) from exc
    common: dict[str, Any] = {"actor": request.user, "draft_id": draft.pk, "expected_version": _version(request),
                              "context": access_context(request)}
    reason = str(request.POST.get("reason", ""))[:2000]
    try:
        if ACTIONS[action] == "approve":
            drafts.content_draft_approve(**common)
        elif ACTIONS[action] == "reject":
            drafts.content_draft_reject(**common)
        else:
            drafts.content_draft_publish(**common, reason=reason)
            return HttpResponseRedirect(reverse("routeguide:content-home") + "?gepubliceerd=1")
    except drafts.DraftError as exc:
        draft = drafts.content_draft_get(draft_id)
        context = _editor_context(request, draft.path, draft, errors=exc.errors, reason=reason,
                                  effect=drafts.draft_effect(draft) if draft.status in ContentDraft.OPEN else None)
        return render(request, "routeguide/content_draft.html", context,
                      status=409 if isinstance(exc, drafts.DraftConflict) else 400)
    return HttpResponseRedirect(reverse("routeguide:content-draft", args=[draft.pk]))


@otp_required
@require_POST
def content_rollback(request: HttpRequest, version: str) -> HttpResponse:
    _editor_only(request)
    reason = str(request.POST.get("reason", ""))[:2000]
    try:
        drafts.content_release_rollback(actor=request.user, version=version, reason=reason,
                                        context=access_context(request))
    except ContentReleaseError as exc:
        raise Http404(version) from exc
    except drafts.DraftError as exc:
        return render(request, "routeguide/content_home.html",
                      _home_context(errors=exc.errors, reason=reason, rollback_version=version), status=400)
    return HttpResponseRedirect(reverse("routeguide:content-home") + "?teruggezet=1")


def _sources() -> Any:
    from .service import sources  # the one cached sources list

    return sources()


def _rule_page(request: HttpRequest, current: drafts.EditableRule, form: RuleForm, *, status: int = 200,
               errors: dict[str, list[str]] | None = None, saved: bool = False) -> HttpResponse:
    problems = current.draft.problems if current.draft is not None else []
    form.problem_map, elsewhere = rule_problems.place(problems, current.path, current.index, current.rule, form)
    return render(request, "routeguide/content_rule.html", {
        "current": current, "form": form, "elsewhere": elsewhere, "errors": errors or {}, "saved": saved,
        "problem_count": len(problems),
    }, status=status)


@otp_required
@require_http_methods(["GET", "HEAD", "POST"])
def content_rule(request: HttpRequest, rule_id: str) -> HttpResponse:
    """One rule in a form: conditions and effects as fields with the route vocabulary's Dutch labels."""
    _editor_only(request)
    try:
        current = drafts.rule_get(rule_id)
    except drafts.DraftError as exc:
        raise Http404(rule_id) from exc
    options = {"vocab": vocabulary(current.route), "sources": _sources(), "rule": current.rule}
    if request.method != "POST":
        return _rule_page(request, current, RuleForm(**options), saved=request.GET.get("opgeslagen") == "1")
    form = RuleForm(request.POST, **options)
    if not form.is_valid():
        return _rule_page(request, current, form, status=400)
    try:
        draft = drafts.content_rule_save(actor=request.user, rule_id=rule_id, rule=form.to_rule(),
                                         expected_version=_version(request), context=access_context(request))
    except drafts.DraftError as exc:
        status = 409 if isinstance(exc, drafts.DraftConflict) else 400
        return _rule_page(request, current, form, status=status, errors=exc.errors)
    if draft.problems:  # saved, but show each problem next to its field
        return HttpResponseRedirect(reverse("routeguide:content-rule", args=[rule_id]) + "?opgeslagen=1")
    return HttpResponseRedirect(reverse("routeguide:content-draft", args=[draft.pk]) + "?opgeslagen=1")


def _vignette_form(draft: ContentDraft, data: Any = None) -> VignetteForm:
    route = drafts.route_of(draft.path)
    return VignetteForm(data, route=route, vocab=vocabulary(route), sources=_sources())


@otp_required
@require_http_methods(["GET", "HEAD", "POST"])
def content_vignette_add(request: HttpRequest, draft_id: int) -> HttpResponse:
    """Add a vignette (the case that prompted the change) to a vignette file of the draft's route."""
    _editor_only(request)
    try:
        draft = drafts.content_draft_get(draft_id)
    except ContentDraft.DoesNotExist as exc:
        raise Http404(str(draft_id)) from exc
    if draft.status not in ContentDraft.OPEN:
        raise Http404(str(draft_id))
    files = drafts.vignette_files(drafts.route_of(draft.path))
    context: dict[str, Any] = {"draft": draft, "files": files, "path": request.POST.get("path", files[0] if files else ""),
                               "errors": {}}
    if request.method != "POST":
        return render(request, "routeguide/content_vignette.html", {**context, "form": _vignette_form(draft)})
    form = _vignette_form(draft, request.POST)
    if not form.is_valid():
        return render(request, "routeguide/content_vignette.html", {**context, "form": form}, status=400)
    try:
        drafts.content_draft_vignette_add(actor=request.user, draft_id=draft.pk, expected_version=_version(request),
                                          path=str(request.POST.get("path", "")), vignette=form.to_vignette(),
                                          context=access_context(request))
    except drafts.DraftError as exc:
        for name, messages in exc.errors.items():
            for message in messages:
                form.add_error(name if name in form.fields else None, message)
        status = 409 if isinstance(exc, drafts.DraftConflict) else 400
        return render(request, "routeguide/content_vignette.html", {**context, "form": form, "errors": exc.errors},
                      status=status)
    return HttpResponseRedirect(reverse("routeguide:content-draft", args=[draft.pk]) + "?opgeslagen=1")
