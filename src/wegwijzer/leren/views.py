"""The leren web pages: thin views over the leren selectors and services.

Every view is behind `otp_required`; a network, meeting or discussion is reached only through the selectors,
whose `policy.NotAMember` (not a member, or no such thing) becomes Django's 404 page. Services raise Dutch
ValidationErrors per field; the views show them next to the fields and answer 400, keeping what was typed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wegwijzer.accounts.auth import otp_required
from wegwijzer.audit.context import access_context
from wegwijzer.gezinsplan import policy as plan_policy
from wegwijzer.gezinsplan import selectors as plan_selectors

from . import policy, selectors, services
from .models import Judgement, NetworkMember
from .vision import vision


def leren_view(*methods: str) -> Callable:
    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods and not (request.method == "HEAD" and "GET" in methods):
                return HttpResponseNotAllowed(methods)
            try:
                return view(request, *args, **kwargs)
            except policy.NotAMember as exc:
                raise Http404(str(exc)) from exc

        return otp_required(wrapper)

    return decorate


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


@leren_view("GET", "POST")
def network(request: HttpRequest, network_id: Any) -> HttpResponse:
    ctx = access_context(request)
    net = selectors.network_get(request.user, network_id, context=ctx)
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        starts_at = parse_datetime(request.POST.get("starts_at", ""))
        try:
            if starts_at is None:
                raise ValidationError({"starts_at": [_("Vul een datum en tijd in, bijvoorbeeld 2026-12-15T14:00.")]})
            if not policy.is_chair(request.user, net):
                raise ValidationError({"__all__": [_("Alleen de voorzitter plant een bijeenkomst.")]})
            meeting = services.meeting_create(
                actor=request.user, context=ctx, network=net, title=request.POST.get("title", ""),
                starts_at=starts_at, place=request.POST.get("place", ""),
            )
            return redirect("leren:meeting", meeting_id=meeting.pk)
        except ValidationError as exc:
            errors, status = _errors(exc), 400
    return _network_page(request, net, errors=errors, status=status)


def _network_page(
    request: HttpRequest, net: Any, *, errors: dict[str, list[str]], status: int, member_errors: Any = None
) -> HttpResponse:
    return render(
        request, "leren/network.html",
        {
            "network": net, "members": selectors.members_of(net), "next_meeting": selectors.next_meeting(net),
            "meetings": selectors.meetings_of(net), "open_items": selectors.open_improvements_of(net),
            "is_chair": policy.is_chair(request.user, net), "errors": errors, "member_errors": member_errors or {},
            "posted": request.POST, "roles": NetworkMember.Role.choices,
        },
        status=status,
    )


@leren_view("POST")
def member_add(request: HttpRequest, network_id: Any) -> HttpResponse:
    """The chair adds a registered professional to the network."""
    ctx = access_context(request)
    net = selectors.network_get(request.user, network_id, context=ctx)
    try:
        services.network_member_add(
            actor=request.user, context=ctx, network=net, username=request.POST.get("username", "").strip(),
            role=request.POST.get("role", NetworkMember.Role.MEMBER),
        )
    except ValidationError as exc:
        return _network_page(request, net, errors={}, status=400, member_errors=_errors(exc))
    except policy.NotChairError as exc:
        return _network_page(request, net, errors={}, status=403, member_errors={"__all__": [str(exc)]})
    return redirect("leren:network", network_id=net.pk)


@leren_view("POST")
def member_remove(request: HttpRequest, network_id: Any, user_id: int) -> HttpResponse:
    """The chair removes a member (refused while they own open agreements; the page says why)."""
    ctx = access_context(request)
    net = selectors.network_get(request.user, network_id, context=ctx)
    member = selectors.member_get(net, user_id)
    try:
        services.network_member_remove(actor=request.user, context=ctx, network=net, user=member.user)
    except ValidationError as exc:
        return _network_page(request, net, errors={}, status=400, member_errors=_errors(exc))
    except policy.NotChairError as exc:
        return _network_page(request, net, errors={}, status=403, member_errors={"__all__": [str(exc)]})
    return redirect("leren:network", network_id=net.pk)


def _plans_visible(request: HttpRequest) -> list[Any]:
    return plan_selectors.gezinsplan_list_read(context=access_context(request), user=request.user, open_only=True)


@leren_view("GET", "POST")
def meeting(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    ctx = access_context(request)
    m = selectors.meeting_get(request.user, meeting_id, context=ctx)
    errors: dict[str, list[str]] = {}
    status = 200
    description = ""
    names: list[str] = []
    plan_id = request.POST.get("gezinsplan") or request.GET.get("gezinsplan") or ""
    if plan_id:
        # Prefill from a plan the member can see; its label and contact name must not end up in the text.
        # The plan's id is only used for this request: no link back is stored.
        try:
            plan = plan_selectors.gezinsplan_read(context=ctx, user=request.user, gezinsplan_id=plan_id)
        except plan_policy.NotFound as exc:
            raise Http404(str(exc)) from exc
        names = [n for n in (plan.label, plan.contact_name) if n]
        parts = [plan.label, plan.contact_name, plan.contact_phone, plan.contact_email]
        description = " — ".join(p for p in parts if p)
    if request.method == "POST":
        description = request.POST.get("description", "")
        try:
            d = services.discussion_create(
                actor=request.user, context=ctx, meeting=m, description=description,
                phase=request.POST.get("phase", ""), names=names,
            )
            return redirect("leren:discussion", discussion_id=d.pk, step=1)
        except ValidationError as exc:
            errors, status = _errors(exc), 400
    return render(
        request, "leren/meeting.html",
        {
            "meeting": m, "network": m.network, "discussions": selectors.discussions_of(m),
            "agenda": selectors.agenda_improvements(m), "errors": errors,
            "description": description, "plan_id": plan_id, "plans": _plans_visible(request),
        },
        status=status,
    )


@leren_view("GET")
def meeting_ics(request: HttpRequest, meeting_id: Any) -> HttpResponse:
    from icalendar import Calendar, Event

    m = selectors.meeting_get(request.user, meeting_id, context=access_context(request))
    cal = Calendar()
    cal.add("prodid", "-//Wegwijzer Utrecht//Leren//NL")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"{m.pk}@wegwijzer-leren")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", m.starts_at)
    event.add("dtend", m.starts_at + dt.timedelta(minutes=m.duration_minutes))
    event.add("summary", f"{m.network.name}: {m.title}")
    if m.place:
        event.add("location", m.place)
    cal.add_component(event)
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bijeenkomst-{m.starts_at:%Y%m%d}.ics"'
    return response


STEPS = {
    1: gettext_lazy("Casus en presentatie"), 2: gettext_lazy("Toetsen aan de visie"), 3: gettext_lazy("Lessen"),
    4: gettext_lazy("Verbeterafspraken"),
}


@leren_view("GET", "POST")
def discussion(request: HttpRequest, discussion_id: Any, step: int) -> HttpResponse:
    if step not in STEPS:
        raise Http404(_("Onbekende stap."))
    ctx = access_context(request)
    d = selectors.discussion_get(request.user, discussion_id, context=ctx)
    net = d.meeting.network
    errors: dict[str, list[str]] = {}
    status = 200
    p = request.POST
    if request.method == "POST":
        try:
            if step == 1:
                services.discussion_update(actor=request.user, context=ctx, discussion=d, presentation=p.get("presentation", ""))
            elif step == 2:
                items: list[Mapping[str, str]] = [
                    {"theme": t.code, "judgement": p.get(f"j-{t.code}", ""), "explanation": p.get(f"e-{t.code}", "")}
                    for t in vision().themes if p.get(f"j-{t.code}")
                ]
                services.assessment_record(actor=request.user, context=ctx, discussion=d, items=items)
            elif step == 3:
                services.discussion_update(actor=request.user, context=ctx, discussion=d, lessons=p.get("lessons", ""))
            else:
                services.improvement_create(
                    actor=request.user, context=ctx, discussion=d, what=p.get("what", ""),
                    owner_username=p.get("owner", ""), due_date=parse_date(p.get("due_date", "") or "") or None,  # type: ignore[arg-type]
                    theme=p.get("theme", ""),
                )
            return redirect("leren:discussion", discussion_id=d.pk, step=min(step + 1, 4) if step < 4 else 4)
        except (ValidationError, ValueError) as exc:
            errors = _errors(exc) if isinstance(exc, ValidationError) else {"due_date": [_("Ongeldige datum.")]}
            status = 400
    judged = {j.theme: j for j in d.judgements.all()}
    return render(
        request, "leren/discussion.html",
        {
            "discussion": d, "meeting": d.meeting, "network": net, "step": step, "steps": STEPS,
            "vision": vision(), "judged": judged, "values": Judgement.Value.choices,
            "members": selectors.members_of(net), "improvements": d.improvements.select_related("owner"),
            "errors": errors, "posted": p,
        },
        status=status,
    )


@leren_view("POST")
def improvement_status(request: HttpRequest, improvement_id: Any) -> HttpResponse:
    ctx = access_context(request)
    imp = selectors.improvement_get(request.user, improvement_id, context=ctx)
    # An unknown status changes nothing; the page shows the stored status.
    with contextlib.suppress(ValidationError):
        services.improvement_update(actor=request.user, context=ctx, improvement=imp, status=request.POST.get("status"))
    nxt = str(request.POST.get("next", ""))
    if _is_leren_path(nxt):  # only back to a leren page (also under /en/), never off-site
        return redirect(nxt)
    return redirect("leren:network", network_id=imp.network_id)


def _is_leren_path(url: str) -> bool:
    if not url.startswith("/") or url.startswith("//") or "\\" in url:
        return False
    try:
        return resolve(urlsplit(url).path).namespace == "leren"
    except Resolver404:
        return False


@leren_view("GET")
def reflection(request: HttpRequest, network_id: Any) -> HttpResponse:
    net = selectors.network_get(request.user, network_id, context=access_context(request))
    today = timezone.localdate()
    start = parse_date(request.GET.get("van", "") or "") or today - dt.timedelta(days=365)
    end = parse_date(request.GET.get("tot", "") or "") or today
    return render(
        request, "leren/reflection.html",
        {"network": net, "reflection": selectors.reflection(net, start=start, end=end), "start": start, "end": end},
    )

