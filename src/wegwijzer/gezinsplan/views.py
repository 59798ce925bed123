"""The gezinsplan web pages: thin views over the plans selectors and services.

Every view is behind `otp_required` (login + second factor before any case data) and reaches a case only
through the selectors: `gezinsplan_read` (need-to-know check + "read" entry in the access log) for every page that
shows case data, `gezinsplan_get_for_user` (check only) before a write, whose service logs its own entry. Anyone who
is not a current member of the team gets 404, exactly as for an unknown case. Services raise Dutch
ValidationErrors; the views put them next to the fields and answer 400 (409 for an edit conflict or a closed
case). Nothing is ever stored half: each service is one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import auth, messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from wegwijzer.accounts.auth import otp_required
from wegwijzer.accounts.roles import is_professional
from wegwijzer.accounts.selectors import colleague_lookup, professional_by_username
from wegwijzer.accounts.views import SESSION_LINK_CODE
from wegwijzer.audit.context import access_context
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.core import actions as core_actions
from wegwijzer.core.pagination import PAGE_PARAM, page_links, page_number, past_last_notice
from wegwijzer.routeguide import wizard
from wegwijzer.routeguide.engine.situation import SituationError
from wegwijzer.routeguide.service import advise

from . import exports, forms, policy, selectors, services, vocab, wording
from .models import Gezinsplan, Regie, Step, Verwijzing

logger = logging.getLogger(__name__)

SITUATION_KEYS = ("phase", "reporter", "wijk", "concerns")


def gezinsplan_view(*methods: str) -> Callable:
    """otp_required, then the method check (after login, so anonymous callers are always sent to log in).

    A closed case answers every write with a clear message instead of a form error; the selectors' and
    services' `policy.NotFound` (not a member, or no such case or part) becomes Django's 404 page.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return checked(request, *args, **kwargs)
            except policy.NotFound as exc:
                raise Http404(str(exc)) from exc

        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods and not (request.method == "HEAD" and "GET" in methods):
                if "gezinsplan_id" in kwargs:  # never reveal that a case exists to a non-member
                    selectors.gezinsplan_get_for_user(request.user, kwargs["gezinsplan_id"], context=access_context(request))
                return HttpResponseNotAllowed(methods)
            try:
                return view(request, *args, **kwargs)
            except policy.ClosedCaseError:
                messages.error(request, _("Dit gezinsplan is gesloten en kan niet meer worden gewijzigd."))
                return redirect("gezinsplan:detail", gezinsplan_id=kwargs["gezinsplan_id"])

        return otp_required(wrapper)

    return decorate


def _read(request: HttpRequest, gezinsplan_id: Any, object_type: str = "gezinsplan", **kwargs: Any) -> Gezinsplan:
    return selectors.gezinsplan_read(
        context=access_context(request), user=request.user, gezinsplan_id=gezinsplan_id, object_type=object_type, **kwargs
    )


def _check(request: HttpRequest, gezinsplan_id: Any) -> Gezinsplan:
    return selectors.gezinsplan_get_for_user(request.user, gezinsplan_id, context=access_context(request))


def _context(request: HttpRequest, gezinsplan: Gezinsplan, active: str, **extra: Any) -> dict[str, Any]:
    context = {
        "gezinsplan": gezinsplan,
        "active": active,
        # The membership the selector's need-to-know check fetched: no further query per page.
        "can_change": selectors.viewer_may_change(request.user, gezinsplan),
        "phase_label": vocab.label("phases", gezinsplan.phase),
        "wijk_label": vocab.label("wijken", gezinsplan.wijk),
        "steps": [(value, label) for value, label in Step.choices],
        "me": selectors.viewer_membership(request.user, gezinsplan),
    }
    context.update(extra)
    return context


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, f"gezinsplan/{template}", context, status=status)


def _with_role_labels(memberships: Any) -> list[Any]:
    members = list(memberships)
    for m in members:
        m.role_label = vocab.label("roles", m.role)
    return members


def _still_member(request: HttpRequest, gezinsplan: Gezinsplan) -> bool:
    return policy.current_membership(request.user, gezinsplan) is not None


# ---- my cases, new case ----


@otp_required
def my_gezinsplannen(request: HttpRequest) -> HttpResponse:
    closed = request.GET.get("status") == "gesloten"
    asked, notice = page_number(request.GET.get(PAGE_PARAM))
    listed = selectors.gezinsplan_list_page_read(
        context=access_context(request), user=request.user, closed=closed, page=asked
    )
    if not notice and listed.count and listed.page < listed.page_asked:  # (an empty list says enough itself)
        notice = past_last_notice(listed.page_asked, listed.total_pages)
    status = [("status", "gesloten")] if closed else []
    today = timezone.localdate()
    return _render(
        request,
        "my_gezinsplannen.html",
        {
            "listed": listed,
            "notice": notice,
            **page_links(
                listed.page, listed.total_pages,
                lambda n: urlencode(status + ([(PAGE_PARAM, str(n))] if n > 1 else [])),
            ),
            # Every app's open items of this user (the plan's agreements, leren's improvement agreements, …).
            "actions": core_actions.actions_for(request.user, today),
            "may_start": policy.may_list_gezinsplannen(request.user),
            "labels": {"phases": vocab.phases(), "wijken": vocab.wijken()},
        },
    )


def _situation_from_query(request: HttpRequest) -> tuple[dict[str, Any] | None, dict[str, list[str]]]:
    """The route wizard's situation from the query string, validated; (None, {}) when there is none."""
    if not any(key in request.GET for key in SITUATION_KEYS):
        return None, {}
    situation, _step, errors = wizard.validate(request.GET)
    return situation, errors


def _advise(situation: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The route advice to snapshot (not counted as a new advice)."""
    try:
        return advise(dict(situation), tally=False), {}
    except SituationError as exc:  # the situation passed the wizard but not the engine
        return {}, {str(k): [str(m) for m in v] for k, v in exc.errors.items()}


@otp_required
def new(request: HttpRequest) -> HttpResponse:
    if not policy.may_list_gezinsplannen(request.user):
        return _render(request, "forbidden.html", {}, status=403)
    situation, situation_errors = _situation_from_query(request)
    with_codes = situation is None
    form = forms.GezinsplanNewForm(request.POST or None, with_codes=with_codes)
    status = 200
    if request.method == "POST":
        advice: dict[str, Any] = {}
        if situation is not None and not situation_errors and form.is_valid():
            advice, situation_errors = _advise(situation)
        if situation_errors:
            status = 400
        elif form.is_valid():
            data = form.cleaned_data
            contact = {k: data.get(k, "") for k in ("contact_name", "contact_phone", "contact_email")}
            try:
                if situation is not None:
                    gezinsplan = services.gezinsplan_from_advice(
                        actor=request.user,
                        context=access_context(request),
                        label=data["label"],
                        situation=situation,
                        advice=advice,
                        **contact,
                    )
                else:
                    gezinsplan = services.gezinsplan_create(
                        actor=request.user,
                        context=access_context(request),
                        label=data["label"],
                        phase=data.get("phase", ""),
                        wijk=data.get("wijk", ""),
                        **contact,
                    )
            except ValidationError as exc:
                forms.apply_errors(form, exc)
            else:
                messages.success(request, _("Het gezinsplan is gestart. U bent het eerste teamlid."))
                return redirect("gezinsplan:detail", gezinsplan_id=gezinsplan.pk)
            status = 400
        else:
            status = 400
    elif request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    summary = []
    if situation:
        summary = [
            (_("Fase"), wizard.label("phases", situation.get("phase"))),
            (_("Wie meldt"), wizard.label("roles", situation.get("reporter"))),
            (_("Wijk"), wizard.label("wijken", situation.get("wijk"))),
            (_("Zorgen"), ", ".join(wizard.label("concerns", c) for c in situation.get("concerns") or [])),
        ]
    return _render(
        request,
        "new.html",
        {
            "form": form,
            "situation": situation,
            "situation_errors": situation_errors,
            "summary": summary,
            "query": request.GET.urlencode(),
        },
        status=status if not situation_errors else 400,
    )


# ---- one case ----


@gezinsplan_view("GET")
def detail(request: HttpRequest, gezinsplan_id: Any) -> HttpResponse:
    gezinsplan = _read(request, gezinsplan_id)
    today = timezone.localdate()
    agreements = [a for a in selectors.agreements_for_gezinsplan(gezinsplan) if a.status == a.Status.OPEN]
    return _render(
        request,
        "detail.html",
        _context(
            request,
            gezinsplan,
            "detail",
            members=_with_role_labels(selectors.members_current(gezinsplan)),
            regie=selectors.regie_for_gezinsplan(gezinsplan),  # with its members' users, not one query each
            sections=selectors.sections_for_gezinsplan(gezinsplan),
            agreements=[{"agreement": a, "overdue": a.is_overdue(today)} for a in agreements[:5]],
            meetings=[m for m in selectors.meetings_for_gezinsplan(gezinsplan) if m.starts_at >= timezone.now()][:3],
            consents=selectors.consents_for_gezinsplan(gezinsplan),
            verwijzingen=selectors.verwijzingen_summary(gezinsplan),
            advice_url=_advice_url(gezinsplan),
        ),
    )


def _advice_url(gezinsplan: Gezinsplan) -> str:
    """The route guide's advice page for the situation the plan started from ("" when it did not)."""
    situation = (gezinsplan.advice_snapshot or {}).get("situation")
    if not situation:
        return ""
    try:
        return reverse("routeguide:advice") + "?" + wizard.situation_query(situation)
    except (KeyError, TypeError):  # a snapshot from an older situation shape: no link rather than a 500
        return ""


@gezinsplan_view("GET", "POST")
def step(request: HttpRequest, gezinsplan_id: Any, step: int) -> HttpResponse:
    status = 200
    conflict = None
    if request.method == "POST":
        gezinsplan = _check(request, gezinsplan_id)
        section = selectors.section_get(gezinsplan, step)
        form = forms.SectionForm(request.POST)
        if form.is_valid():
            try:
                services.plan_section_update(
                    actor=request.user,
                    context=access_context(request),
                    gezinsplan=gezinsplan,
                    step=section.step,
                    content=form.cleaned_data["content"],
                    considerations=form.cleaned_data["considerations"],
                    expected_version=form.cleaned_data["version"],
                )
            except services.ConflictError as exc:
                conflict = {"mine": exc.mine, "theirs": exc.theirs}
                data = request.POST.copy()
                data["version"] = str(exc.theirs["version"])
                form = forms.SectionForm(data)  # the user's own text stays in the form, nothing is lost
                form.is_valid()
                status = 409
            except ValidationError as exc:
                forms.apply_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("%(step)s is opgeslagen.") % {"step": section.title})
                return redirect("gezinsplan:step", gezinsplan_id=gezinsplan.pk, step=section.step)
        else:
            status = 400
    gezinsplan = _read(request, gezinsplan_id, "plansection", object_id=str(step))
    section = selectors.section_get(gezinsplan, step)
    if request.method != "POST":  # GET, and HEAD (answered like GET; not logged as a read)
        form = forms.SectionForm(
            initial={
                "content": section.content,
                "considerations": section.considerations,
                "version": section.version,
            }
        )
    return _render(
        request,
        "step.html",
        _context(
            request,
            gezinsplan,
            "step",
            active_step=section.step,
            section=section,
            form=form,
            conflict=conflict,
            history=selectors.section_history(section)[:20],
            previous_step=section.step - 1 if section.step > 1 else None,
            next_step=section.step + 1 if section.step < 5 else None,
        ),
        status=status,
    )


@gezinsplan_view("POST")
def step_share(request: HttpRequest, gezinsplan_id: Any, step: int) -> HttpResponse:
    gezinsplan = _check(request, gezinsplan_id)
    section = selectors.section_get(gezinsplan, step)
    shared = request.POST.get("shared_with_parents") == "on"
    services.plan_section_share_set(
        actor=request.user, context=access_context(request), gezinsplan=gezinsplan, step=section.step, shared=shared
    )
    if shared:
        messages.success(request, _("De ouders zien %(step)s nu in hun inzage.") % {"step": section.title})
    else:
        messages.success(request, _("De ouders zien %(step)s niet meer.") % {"step": section.title})
    return redirect("gezinsplan:step", gezinsplan_id=gezinsplan.pk, step=section.step)


@gezinsplan_view("GET", "POST")
def team(request: HttpRequest, gezinsplan_id: Any) -> HttpResponse:
    form = forms.MemberAddForm(request.POST or None, consent_warning="consent_check" in request.POST)
    status = 200
    consent_warning = None
    if request.method == "POST":
        gezinsplan = _check(request, gezinsplan_id)
        colleague = professional_by_username(request.POST.get("username", ""))
        if colleague is not None and (
            not is_professional(colleague) or selectors.members_current(gezinsplan).filter(user=colleague).exists()
        ):
            colleague = None  # member_add refuses them with its own message; no consent question first
        asked = "consent_confirmed" in form.fields
        if form.is_valid() and colleague is not None and not asked and not selectors.consent_covers(gezinsplan, colleague):
            # Warn before adding: nothing is stored until the member confirms (or records consent first).
            consent_warning = colleague
            form = forms.MemberAddForm(initial=request.POST.dict(), consent_warning=True)
        if consent_warning is None and form.is_valid():
            valid_to = form.cleaned_data.get("valid_to")
            try:
                membership = services.member_add(
                    actor=request.user,
                    context=access_context(request),
                    gezinsplan=gezinsplan,
                    username=form.cleaned_data["username"],
                    role=form.cleaned_data.get("role") or "",
                    valid_to=(
                        timezone.make_aware(dt.datetime.combine(valid_to, dt.time.min)) if valid_to else None
                    ),
                )
            except ValidationError as exc:
                forms.apply_errors(form, exc, {"valid_from": "valid_to"})
            else:
                messages.success(
                    request, _("%(user)s is toegevoegd aan het team.") % {"user": membership.user}
                )
                return redirect("gezinsplan:team", gezinsplan_id=gezinsplan.pk)
        status = 200 if consent_warning is not None else 400
    gezinsplan = _read(request, gezinsplan_id, "team")
    current = list(selectors.members_current(gezinsplan))
    query = request.GET.get("zoek", "").strip()[:100]
    hits = (
        colleague_lookup(query=query, exclude_user_ids=[m.user_id for m in current])
        if query and request.method == "GET"
        else []
    )
    return _render(
        request,
        "team.html",
        _context(
            request,
            gezinsplan,
            "team",
            form=form,
            current=current,
            all_members=_with_role_labels(selectors.members_all(gezinsplan)),
            query=query,
            hits=hits,
            consent_warning=consent_warning,
        ),
        status=status,
    )


@gezinsplan_view("GET", "POST")
def team_invite(request: HttpRequest, gezinsplan_id: Any) -> HttpResponse:
    form = forms.ColleagueInviteForm(request.POST or None, organizations=selectors.organization_choices())
    status = 200
    if request.method == "POST":
        gezinsplan = _check(request, gezinsplan_id)
        done, sent = forms.write_with(form, lambda data: services.colleague_invite(
            actor=request.user,
            context=access_context(request),
            gezinsplan=gezinsplan,
            name=data["name"],
            email=data["email"],
            organization_slug=data["organization_slug"],
            role=data["role"],
        ))
        if done:
            invitation, _token = sent
            messages.success(
                request,
                _("De uitnodiging is verstuurd naar %(email)s. Na het aanmaken van een account is %(name)s lid van het team.")
                % {"email": invitation.email, "name": invitation.name},
            )
            return redirect("gezinsplan:team", gezinsplan_id=gezinsplan.pk)
        status = 400
    gezinsplan = _read(request, gezinsplan_id, "uitnodiging")
    return _render(
        request,
        "team_invite.html",
        _context(request, gezinsplan, "team", form=form, pending=selectors.invitations_pending(gezinsplan)),
        status=status,
    )


@gezinsplan_view("POST")
def team_remove(request: HttpRequest, gezinsplan_id: Any, membership_id: Any) -> HttpResponse:
    gezinsplan = _check(request, gezinsplan_id)
    membership_pk = selectors._uuid(membership_id)
    membership = None
    if membership_pk is not None:
        membership = selectors.members_current(gezinsplan).filter(pk=membership_pk).first()
    if membership is None:
        messages.error(request, _("Dit is geen huidig teamlid van dit gezinsplan."))
        return redirect("gezinsplan:team", gezinsplan_id=gezinsplan.pk)
    try:
        services.member_remove(actor=request.user, context=access_context(request), gezinsplan=gezinsplan, membership=membership)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("gezinsplan:team", gezinsplan_id=gezinsplan.pk)
    messages.success(request, _("%(user)s is uit het team gehaald.") % {"user": membership.user})
    if not _still_member(request, gezinsplan):
        return redirect("gezinsplan:my-gezinsplannen")
    return redirect("gezinsplan:team", gezinsplan_id=gezinsplan.pk)


def _regie_initial(current: Any) -> dict[str, Any]:
    if current is None:
        return {"version": 0}
    initial: dict[str, Any] = {
        "lead": current.lead,
        "informs_text": current.informs_text,
        "notes": current.notes,
        "version": current.version,
    }
    for name in forms.RegieForm.MEMBER_FIELDS:
        value = getattr(current, f"{name}_id")
        initial[name] = str(value) if value else ""
    return initial


def _regie_conflict_versions(conflict: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Both versions of a regie conflict as labelled rows for the page (labels from the form)."""
    if not conflict:
        return []
    fields = forms.RegieForm.base_fields
    leads = dict(Regie.Lead.choices)
    names = ("lead", *forms.RegieForm.MEMBER_FIELDS, "informs_text", "notes")
    mine, theirs = conflict["mine"], conflict["theirs"]
    versions = []
    for key, data, title in (
        ("mijn", mine, _("Uw versie (nog niet opgeslagen)")),
        (
            "hun",
            theirs,
            _("Opgeslagen versie %(version)s van %(who)s")
            % {"version": theirs.get("version"), "who": theirs.get("updated_by") or _("onbekend")},
        ),
    ):
        rows = []
        for name in names:
            value = data.get(name)
            rows.append((fields[name].label, leads.get(value, value) if name == "lead" else value))
        versions.append({"key": key, "title": title, "rows": rows})
    return versions


@gezinsplan_view("GET", "POST")
def regie(request: HttpRequest, gezinsplan_id: Any) -> HttpResponse:
    gezinsplan = _check(request, gezinsplan_id) if request.method == "POST" else _read(request, gezinsplan_id, "regie")
    members = list(selectors.members_current(gezinsplan))
    status = 200
    conflict = None
    if request.method == "POST":
        form = forms.RegieForm(request.POST, members=members)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.regie_set(
                    actor=request.user,
                    context=access_context(request),
                    gezinsplan=gezinsplan,
                    lead=data["lead"],
                    expected_version=data["version"],
                    **{name: data.get(name) or None for name in forms.RegieForm.MEMBER_FIELDS},
                    informs_text=data.get("informs_text", ""),
                    notes=data.get("notes", ""),
                )
            except services.ConflictError as exc:
                conflict = {"mine": exc.mine, "theirs": exc.theirs}
                posted = request.POST.copy()
                posted["version"] = str(exc.theirs["version"])
                form = forms.RegieForm(posted, members=members)  # the member's own choices stay in the form
                form.is_valid()
                status = 409
            except ValidationError as exc:
                forms.apply_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("De regie-afspraken zijn opgeslagen."))
                return redirect("gezinsplan:regie", gezinsplan_id=gezinsplan.pk)
        else:
            status = 400
        gezinsplan = _read(request, gezinsplan_id, "regie")
    current = selectors.regie_for_gezinsplan(gezinsplan)
    if request.method != "POST":
        form = forms.RegieForm(initial=_regie_initial(current), members=members)
    return _render(
        request,
        "regie.html",
        _context(
            request,
            gezinsplan,
            "regie",
            form=form,
            regie=current,
            conflict=conflict,
            conflict_versions=_regie_conflict_versions(conflict),
        ),
        status=status,
    )


@gezinsplan_view("GET", "POST")
def agreements(request: HttpRequest, gezinsplan_id: Any) -> HttpResponse:
    gezinsplan = _check(request, gezinsplan_id) if request.method == "POST" else _read(request, gezinsplan_id, "agreement")
    members = list(selectors.members_current(gezinsplan))
    form = forms.AgreementForm(request.POST or None, members=members)
    status = 200
    if request.method == "POST":
        done, _agreement = forms.write_with(form, lambda data: services.agreement_create(
            actor=request.user,
            context=access_context(request),
            gezinsplan=gezinsplan,
            what=data["what"],
            owner=data.get("owner") or None,
            due_date=data.get("due_date"),
        ))
        if done:
            messages.success(request, _("De afspraak is toegevoegd."))
            return redirect("gezinsplan:agreements", gezinsplan_id=gezinsplan.pk)
        status = 400
        gezinsplan = _read(request, gezinsplan_id, "agreement")
    today = timezone.localdate()
    rows = [
        {
            "agreement": a,
            "overdue": a.is_overdue(today),
            "form": forms.AgreementStatusForm(initial={"status": a.status}, prefix=f"a-{a.pk}"),
        }
        for a in selectors.agreements_for_gezinsplan(gezinsplan)
    ]
    return _render(
        request,
        "agreements.html",
        _context(request, gezinsplan, "agreements", form=form, rows=rows, today=today),
        status=status,
    )


@gezinsplan_view("POST")
def agreement_update(request: HttpRequest, gezinsplan_id: Any, agreement_id: Any) -> HttpResponse:
    gezinsplan = _check(request, gezinsplan_id)
    agreement = selectors.agreement_get(gezinsplan, agreement_id)
    form = forms.AgreementStatusForm(request.POST, prefix=f"a-{agreement.pk}")
    if not form.is_valid():
        form = forms.AgreementStatusForm(request.POST)  # also accept an unprefixed field (API-like clients)
    if form.is_valid():
        try:
            services.agreement_update(
                actor=request.user, context=access_context(request), agreement=agreement, status=form.cleaned_data["status"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("De status van de afspraak is bijgewerkt."))
    else:
        messages.error(request, _("Kies een geldige status."))
    return redirect("gezinsplan:agreements", gezinsplan_id=gezinsplan.pk)


def _verwijzing_form(gezinsplan: Gezinsplan, data: Any = None, *, query: str = "", double: bool = False) -> forms.VerwijzingForm:
    monitor = selectors.default_monitor(gezinsplan)
    return forms.VerwijzingForm(
        data,
        targets=selectors.referral_targets(query),
        members=selectors.members_current(gezinsplan),
        consents=selectors.consents_for_gezinsplan(gezinsplan),
        double=double,
        initial={"monitors": str(monitor.pk) if monitor else ""},
    )


def _is_double(exc: ValidationError) -> bool:
    return any(e.code == "double" for e in getattr(exc, "error_dict", {}).get("target", []))


def _verwijzingen_page(
    request: HttpRequest,
    gezinsplan_id: Any,
    *,
    form: forms.VerwijzingForm | None = None,
    status_forms: dict[str, forms.VerwijzingStatusForm] | None = None,
    double_warnings: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    gezinsplan = _read(request, gezinsplan_id, "verwijzing")
    query = request.GET.get("zoek", "").strip()[: selectors.TARGET_QUERY_MAX]
    if form is None:
        form = _verwijzing_form(gezinsplan, query=query)
    status_forms = status_forms or {}
    rows = [
        {
            "row": row,
            "form": status_forms.get(str(row.verwijzing.pk))
            or forms.VerwijzingStatusForm(current=row.verwijzing.status, prefix=f"v-{row.verwijzing.pk}"),
        }
        for row in selectors.verwijzing_rows(gezinsplan)
    ]
    return _render(
        request,
        "verwijzingen.html",
        _context(
            request, gezinsplan, "verwijzingen", form=form, rows=rows, query=query, double_warnings=double_warnings or []
        ),
        status=status,
    )


@gezinsplan_view("GET", "POST")
def verwijzingen(request: HttpRequest, gezinsplan_id: Any) -> HttpResponse:
    if request.method != "POST":
        return _verwijzingen_page(request, gezinsplan_id)
    gezinsplan = _check(request, gezinsplan_id)
    # The confirmation box is on the form only once the double-referral warning was shown.
    form = _verwijzing_form(gezinsplan, request.POST, double="double_check" in request.POST)
    double_warnings: list[str] = []
    if form.is_valid():
        data = form.cleaned_data
        kind, slug = form.target_parts()
        try:
            services.verwijzing_create(
                actor=request.user,
                context=access_context(request),
                gezinsplan=gezinsplan,
                target_kind=kind,
                target=slug,
                monitors=data.get("monitors") or None,
                consents=data.get("consents") or [],
                note=data.get("note", ""),
                huisarts_email=data.get("huisarts_email", ""),
                jgz_email=data.get("jgz_email", ""),
                accept_double=bool(data.get("accept_double")),
            )
        except ValidationError as exc:
            if not _is_double(exc):
                forms.apply_errors(form, exc, {"target_kind": "target"})
            else:
                # Nothing stored: the member sees why and confirms (or chooses another target).
                double_warnings = exc.message_dict["target"]
                form = _verwijzing_form(gezinsplan, request.POST, double=True)
                form.is_valid()
                form.forget_confirmation_error()
        else:
            messages.success(request, _("De verwijzing is vastgelegd."))
            return redirect("gezinsplan:verwijzingen", gezinsplan_id=gezinsplan.pk)
    elif "accept_double" in form.errors and "target" in form.cleaned_data:
        # Confirmation missing: show the reasons again beside it.
        double_warnings = selectors.referral_target_warnings(gezinsplan, *form.target_parts())
    return _verwijzingen_page(
        request, gezinsplan_id, form=form, double_warnings=double_warnings, status=200 if double_warnings and len(form.errors) == 0 else 400
    )


@gezinsplan_view("POST")
def verwijzing_status(request: HttpRequest, gezinsplan_id: Any, verwijzing_id: Any) -> HttpResponse:
    gezinsplan = _check(request, gezinsplan_id)
    verwijzing = selectors.verwijzing_get(gezinsplan, verwijzing_id)
    form = forms.VerwijzingStatusForm(request.POST, current=verwijzing.status, prefix=f"v-{verwijzing.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.verwijzing_status_change(
                actor=request.user,
                context=access_context(request),
                verwijzing=verwijzing,
                status=data["status"],
                on=data.get("on"),
                reason=data.get("reason", ""),
            )
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("De status van de verwijzing naar %(target)s is nu: %(status)s.")
                % {"target": verwijzing.target_name, "status": Verwijzing.Status(data["status"]).label},
            )
            return redirect("gezinsplan:verwijzingen", gezinsplan_id=gezinsplan.pk)
    return _verwijzingen_page(request, gezinsplan_id, status_forms={str(verwijzing.pk): form}, status=400)


@gezinsplan_view("GET", "POST")
def consent(request: HttpRequest, gezinsplan_id: Any) -> HttpResponse:
    form = forms.ConsentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        gezinsplan = _check(request, gezinsplan_id)
        done, _consent = forms.write_with(form, lambda data: services.consent_record(
            actor=request.user,
            context=access_context(request),
            gezinsplan=gezinsplan,
            what=data["what"],
            with_whom=data["with_whom"],
            given_on=data["given_on"],
            given_by=data.get("given_by", ""),
        ))
        if done:
            messages.success(request, _("De toestemming is vastgelegd."))
            return redirect("gezinsplan:consent", gezinsplan_id=gezinsplan.pk)
        status = 400
    gezinsplan = _read(request, gezinsplan_id, "consent")
    consents = [
        {"consent": c, "form": forms.ConsentWithdrawForm(prefix=f"c-{c.pk}")}
        for c in selectors.consents_for_gezinsplan(gezinsplan)
    ]
    return _render(
        request,
        "consent.html",
        _context(request, gezinsplan, "consent", form=form, consents=consents),
        status=status,
    )


@gezinsplan_view("POST")
def consent_withdraw(request: HttpRequest, gezinsplan_id: Any, consent_id: Any) -> HttpResponse:
    gezinsplan = _check(request, gezinsplan_id)
    record = selectors.consent_get(gezinsplan, consent_id)
    form = forms.ConsentWithdrawForm(request.POST, prefix=f"c-{record.pk}")
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))  # ErrorList yields strings
        return redirect("gezinsplan:consent", gezinsplan_id=gezinsplan.pk)
    try:
        services.consent_withdraw(
            actor=request.user,
            context=access_context(request),
            consent=record,
            withdrawn_on=form.cleaned_data.get("withdrawn_on"),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("De toestemming is ingetrokken."))
    return redirect("gezinsplan:consent", gezinsplan_id=gezinsplan.pk)


@gezinsplan_view("GET", "POST")
def meetings(request: HttpRequest, gezinsplan_id: Any) -> HttpResponse:
    gezinsplan = _check(request, gezinsplan_id) if request.method == "POST" else _read(request, gezinsplan_id, "meeting")
    members = list(selectors.members_current(gezinsplan))
    form = forms.MeetingForm(request.POST or None, members=members, initial={"duration_minutes": 60})
    status = 200
    if request.method == "POST":
        done, meeting = forms.write_with(form, lambda data: services.meeting_plan(
            actor=request.user,
            context=access_context(request),
            gezinsplan=gezinsplan,
            starts_at=timezone.make_aware(dt.datetime.combine(data["date"], data["time"])),
            duration_minutes=data["duration_minutes"],
            location=data.get("location", ""),
            participants=data.get("participants") or [],
            family_participates=data.get("family_participates", False),
            other_participants=data.get("other_participants", ""),
            minutes=data.get("minutes", ""),
            decisions=data.get("decisions") or [],
        ), {"starts_at": "date"})
        if done:
            messages.success(request, _("Het MDO is gepland."))
            return redirect("gezinsplan:meeting", gezinsplan_id=gezinsplan.pk, meeting_id=meeting.pk)
        status = 400
        gezinsplan = _read(request, gezinsplan_id, "meeting")
    return _render(
        request,
        "meetings.html",
        _context(request, gezinsplan, "meetings", form=form, meetings=selectors.meetings_for_gezinsplan(gezinsplan)),
        status=status,
    )


@gezinsplan_view("GET", "POST")
def meeting(request: HttpRequest, gezinsplan_id: Any, meeting_id: Any) -> HttpResponse:
    status = 200
    minutes_form = None
    decision_forms: dict[int, forms.DecisionAgreementForm] = {}
    if request.method == "POST":
        gezinsplan = _check(request, gezinsplan_id)
        mdo = selectors.meeting_get(gezinsplan, meeting_id)
        members = list(selectors.members_current(gezinsplan))
        if "decision" in request.POST:
            raw = request.POST.get("decision", "")
            auto_id = f"id_d{raw}_%s" if raw.isdigit() and len(raw) < 12 else "id_d_%s"
            form = forms.DecisionAgreementForm(request.POST, members=members, auto_id=auto_id)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.decisions_to_agreements(
                        actor=request.user,
                        context=access_context(request),
                        meeting=mdo,
                        items=[
                            {
                                "decision": data["decision"],
                                "owner": data.get("owner") or None,
                                "due_date": data.get("due_date"),
                            }
                        ],
                    )
                except ValidationError as exc:
                    forms.apply_errors(form, exc)
                    for message in form.non_field_errors():
                        messages.error(request, str(message))  # ErrorList yields strings
                else:
                    messages.success(request, _("Het besluit is een afspraak geworden."))
                    return redirect("gezinsplan:meeting", gezinsplan_id=gezinsplan.pk, meeting_id=mdo.pk)
            try:
                decision_forms[int(raw)] = form
            except (TypeError, ValueError):
                messages.error(request, _("Onbekend besluit."))
        else:
            minutes_form = forms.MinutesForm(request.POST)
            if minutes_form.is_valid():
                try:
                    services.meeting_record_minutes(
                        actor=request.user,
                        context=access_context(request),
                        meeting=mdo,
                        minutes=minutes_form.cleaned_data["minutes"],
                        decisions=minutes_form.cleaned_data.get("decisions") or [],
                    )
                except ValidationError as exc:
                    forms.apply_errors(minutes_form, exc)
                else:
                    messages.success(request, _("Het verslag is opgeslagen."))
                    return redirect("gezinsplan:meeting", gezinsplan_id=gezinsplan.pk, meeting_id=mdo.pk)
        status = 400
    gezinsplan = _read(request, gezinsplan_id, "meeting", object_id=str(meeting_id))
    mdo = selectors.meeting_get(gezinsplan, meeting_id)
    members = list(selectors.members_current(gezinsplan))
    if minutes_form is None:
        minutes_form = forms.MinutesForm(initial={"minutes": mdo.minutes})
    decisions = []
    for decision in mdo.decisions.all():
        agreement = getattr(decision, "agreement", None)
        form = decision_forms.get(decision.pk) or forms.DecisionAgreementForm(
            initial={"decision": decision.pk}, members=members, auto_id=f"id_d{decision.pk}_%s"
        )
        decisions.append({"decision": decision, "agreement": agreement, "form": form})
    return _render(
        request,
        "meeting.html",
        _context(request, gezinsplan, "meetings", meeting=mdo, minutes_form=minutes_form, decisions=decisions),
        status=status,
    )


@gezinsplan_view("GET")
def meeting_ics(request: HttpRequest, gezinsplan_id: Any, meeting_id: Any) -> HttpResponse:
    gezinsplan = _read(request, gezinsplan_id, "meeting", object_id=str(meeting_id), action=AccessLogEntry.Action.EXPORT, detail="ics")
    mdo = selectors.meeting_get(gezinsplan, meeting_id)
    response = HttpResponse(services.meeting_ical(mdo), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mdo-{mdo.starts_at:%Y%m%d}.ics"'
    return response


@gezinsplan_view("GET", "POST")
def handover(request: HttpRequest, gezinsplan_id: Any) -> HttpResponse:
    gezinsplan = _check(request, gezinsplan_id) if request.method == "POST" else _read(request, gezinsplan_id, "handover")
    members = list(selectors.members_current(gezinsplan))
    me = selectors.viewer_membership(request.user, gezinsplan)
    by_id = {str(m.pk): m for m in members}
    # Whose open items the form lists: the posted leaver, else ?leaving=, else the viewer.
    chosen = request.POST.get("leaving") if request.method == "POST" else request.GET.get("leaving")
    leaving = by_id.get(chosen or "") or me
    items = selectors.handover_items(gezinsplan, leaving) if leaving else None
    form = forms.HandoverForm(
        request.POST or None,
        members=members,
        items=items,
        leaving=leaving,
        initial={"leaving": str(leaving.pk) if leaving else ""},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                record = services.handover(
                    actor=request.user,
                    context=access_context(request),
                    gezinsplan=gezinsplan,
                    leaving=by_id[data["leaving"]],
                    successor=by_id.get(data.get("successor") or ""),
                    successor_username=data.get("successor_username", ""),
                    note=data["note"],
                    family_informed=data.get("family_informed", False),
                    agreement_owners=form.item_choices("agreement"),
                    meeting_participants=form.item_choices("meeting"),
                )
            except ValidationError as exc:
                forms.apply_errors(form, exc, {"username": "successor_username"})
            else:
                if not _still_member(request, gezinsplan):
                    messages.success(
                        request,
                        _(
                            "De warme overdracht aan %(user)s is vastgelegd. U bent geen lid meer van dit team "
                            "en kunt het gezinsplan niet meer inzien."
                        )
                        % {"user": record.successor.user},
                    )
                    return redirect("gezinsplan:my-gezinsplannen")
                messages.success(
                    request,
                    _("De warme overdracht aan %(user)s is vastgelegd.") % {"user": record.successor.user},
                )
                return redirect("gezinsplan:team", gezinsplan_id=gezinsplan.pk)
        status = 400
        gezinsplan = _read(request, gezinsplan_id, "handover")
    return _render(
        request,
        "handover.html",
        _context(
            request,
            gezinsplan,
            "handover",
            form=form,
            handovers=selectors.handovers_for_gezinsplan(gezinsplan),
            items=items,
            leaving=leaving,
            members=members,
        ),
        status=status,
    )


@gezinsplan_view("GET", "POST")
def feedback(request: HttpRequest, gezinsplan_id: Any) -> HttpResponse:
    form = forms.FeedbackForm(request.POST or None)
    status = 200
    if request.method == "POST":
        gezinsplan = _check(request, gezinsplan_id)
        done, _feedback = forms.write_with(form, lambda data: services.feedback_send(
            actor=request.user,
            context=access_context(request),
            gezinsplan=gezinsplan,
            recipient_role=data["recipient_role"],
            recipient_email=data["recipient_email"],
            message=data["message"],
        ))
        if done:
            # Stored; the mail went out (or failed) on commit. The list below shows which.
            messages.success(request, _("De terugkoppeling is opgeslagen."))
            return redirect("gezinsplan:feedback", gezinsplan_id=gezinsplan.pk)
        status = 400
    gezinsplan = _read(request, gezinsplan_id, "feedback")
    return _render(
        request,
        "feedback.html",
        _context(request, gezinsplan, "feedback", form=form, sent=selectors.feedback_for_gezinsplan(gezinsplan)),
        status=status,
    )


@gezinsplan_view("GET")
def timeline(request: HttpRequest, gezinsplan_id: Any) -> HttpResponse:
    gezinsplan = _read(request, gezinsplan_id, "timeline")
    events = [{**e, "kind_label": wording.kind_name(e["kind"])} for e in selectors.gezinsplan_timeline(gezinsplan)]
    return _render(request, "timeline.html", _context(request, gezinsplan, "timeline", events=events))


@gezinsplan_view("GET")
def audit(request: HttpRequest, gezinsplan_id: Any) -> HttpResponse:
    gezinsplan = _read(request, gezinsplan_id, "auditlog")
    entries = [
        {"entry": e, "what": wording.audit_sentence(e), "role": wording.role_name(e.role)}
        for e in selectors.audit_entries_for_gezinsplan(gezinsplan)[:500]
    ]
    return _render(request, "audit.html", _context(request, gezinsplan, "audit", entries=entries))


@gezinsplan_view("GET")
def print_plan(request: HttpRequest, gezinsplan_id: Any) -> HttpResponse:
    gezinsplan = _read(request, gezinsplan_id, "print", action=AccessLogEntry.Action.EXPORT, detail="afdruk")
    return _render(request, "print.html", exports.plan_print_context(gezinsplan))


@gezinsplan_view("GET")
def export_fhir(request: HttpRequest, gezinsplan_id: Any) -> HttpResponse:
    gezinsplan = _read(request, gezinsplan_id, "fhir", action=AccessLogEntry.Action.EXPORT, detail="fhir")
    bundle = exports.plan_fhir_bundle(gezinsplan)
    response = HttpResponse(
        json.dumps(bundle, ensure_ascii=False, indent=2), content_type="application/fhir+json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="gezinsplan-{gezinsplan.pk}.fhir.json"'
    return response


@gezinsplan_view("GET", "POST")
def close(request: HttpRequest, gezinsplan_id: Any) -> HttpResponse:
    form = forms.CloseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        gezinsplan = _check(request, gezinsplan_id)
        if form.is_valid():
            services.gezinsplan_close(actor=request.user, context=access_context(request), gezinsplan=gezinsplan)
            messages.success(request, _("Het gezinsplan is gesloten."))
            return redirect("gezinsplan:detail", gezinsplan_id=gezinsplan.pk)
        status = 400
    gezinsplan = _read(request, gezinsplan_id, "gezinsplan", detail="sluiten")
    return _render(request, "close.html", _context(request, gezinsplan, "close", form=form), status=status)


# ---- a colleague's invitation link (no login: the link is the proof) ----


@sensitive_post_parameters("password", "password_again")
@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        invitation = services.colleague_invitation_lookup(token)
    except services.InvalidInvitation:
        return render(request, "gezinsplan/invitation_invalid.html", status=404)
    form = forms.InvitationAcceptForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                user, enrolment_code = services.colleague_invitation_accept(
                    context=access_context(request), token=token, username=data["username"], password=data["password"]
                )
            except services.InvalidInvitation:
                return render(request, "gezinsplan/invitation_invalid.html", status=404)
            except ValidationError as exc:
                forms.apply_errors(form, exc, {"role": "username", "organization_slug": "username", "email": "username"})
            else:
                # The password was just chosen: a password-only session, which reaches only the set-up of the
                # authenticator app. The enrolment code goes along in the session, as with an e-mailed set-up link.
                auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                request.session[SESSION_LINK_CODE] = enrolment_code
                case_url = reverse("gezinsplan:detail", kwargs={"gezinsplan_id": invitation.gezinsplan_id})
                return redirect(reverse("accounts:otp-setup") + "?" + urlencode({"next": case_url}))
        status = 400
    return render(
        request, "gezinsplan/invitation_accept.html", {"form": form, "invitation": invitation}, status=status
    )
