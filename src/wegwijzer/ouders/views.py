"""Pages of the parents' view (/ouders/). Two sides:

- the team's page (`manage`, `revoke`): behind `otp_required`, a case only through the gezinsplan policy; a
  non-member gets 404 as everywhere in the gezinsplan;
- the parent's pages: the invitation link, the code login and the read-only plan. The parent is not a Django
  user; their session holds `ouders_access` only after a right code, checked against the database on every
  request (so revoking is effective at once).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wegwijzer.accounts.auth import otp_required
from wegwijzer.audit.context import access_context
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.audit.service import access_log_write
from wegwijzer.gezinsplan import policy
from wegwijzer.gezinsplan import selectors as plan_selectors

from . import selectors, services

SESSION_ACCESS = "ouders_access"
SESSION_PENDING = "ouders_pending"


def _plan(request: HttpRequest, gezinsplan_id: Any):
    try:
        return plan_selectors.gezinsplan_get_for_user(request.user, gezinsplan_id, context=access_context(request))
    except policy.NotFound as exc:
        raise Http404(str(exc)) from exc


@otp_required
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request: HttpRequest, gezinsplan_id: Any) -> HttpResponse:
    gezinsplan = _plan(request, gezinsplan_id)
    errors: dict[str, list[str]] = {}
    values = {"parent_name": "", "email": ""}
    status = 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "")[:300] for k in values}
        try:
            services.parent_access_grant(
                actor=request.user, context=access_context(request), gezinsplan=gezinsplan, **values
            )
        except services.NotRegieLead as exc:
            messages.error(request, str(exc))
            status = 403
        except policy.ClosedCaseError as exc:
            messages.error(request, str(exc))
            status = 409
        except ValidationError as exc:
            errors = exc.message_dict
            status = 400
        else:
            messages.success(request, _("De uitnodiging is verstuurd."))
            return redirect("ouders:manage", gezinsplan_id=gezinsplan.pk)
    context = {
        "gezinsplan": gezinsplan,
        "accesses": selectors.parent_accesses_for_member(request.user, gezinsplan),
        "is_lead": services.is_regie_lead(request.user, gezinsplan),
        "errors": errors,
        "values": values,
    }
    return render(request, "ouders/manage.html", context, status=status)


@otp_required
@require_POST
def revoke(request: HttpRequest, gezinsplan_id: Any, access_id: Any) -> HttpResponse:
    gezinsplan = _plan(request, gezinsplan_id)
    try:
        services.parent_access_revoke(
            actor=request.user, context=access_context(request), gezinsplan=gezinsplan, access_id=access_id
        )
    except policy.NotFound as exc:
        raise Http404(str(exc)) from exc
    except (services.NotRegieLead, policy.ClosedCaseError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("De inzage is ingetrokken. De ouder kan het plan niet meer zien."))
    return redirect("ouders:manage", gezinsplan_id=gezinsplan.pk)


def _parent_render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """A parent-side page: `parent_access` (the logged-in parent's, or None) drives the parents-only menu."""
    context.setdefault("parent_access", selectors.parent_access_for_session(request.session.get(SESSION_ACCESS)))
    return render(request, f"ouders/{template}", context, status=status)


def _invalid(request: HttpRequest, message: str, status: int = 410) -> HttpResponse:
    return _parent_render(request, "invalid.html", {"message": message}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def invite(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners that open links must not use up the link); POST uses it."""
    try:
        if request.method == "POST":
            access = services.invite_accept(context=access_context(request), token=token)
        else:
            access = services.invite_lookup(token)
    except services.InvalidInvite:
        return _invalid(
            request,
            _("Deze link werkt niet. Misschien is hij al gebruikt of te oud. Vraag de regiehouder om een nieuwe uitnodiging."),
        )
    except services.TooManyCodes as exc:
        return _invalid(request, str(exc), status=429)
    if request.method == "POST":
        request.session.cycle_key()
        request.session[SESSION_PENDING] = str(access.pk)
        return redirect("ouders:code")
    return _parent_render(request, "invite.html", {"access": access})


@require_http_methods(["GET", "HEAD", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """A returning parent: their e-mail address, then a code. The same answer whether the address is known."""
    if request.method == "POST":
        email = request.POST.get("email", "")[:254]
        try:
            access = services.code_request(context=access_context(request), email=email)
        except services.TooManyCodes as exc:
            return _parent_render(request, "login.html", {"error": str(exc), "email": email}, status=429)
        request.session.cycle_key()
        request.session[SESSION_PENDING] = str(access.pk) if access else ""
        return redirect("ouders:code")
    return _parent_render(request, "login.html", {"email": ""})


@require_http_methods(["GET", "HEAD", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    error = ""
    status = 200
    if request.method == "POST":
        pending = request.session.get(SESSION_PENDING, "")
        try:
            if not pending:
                raise services.CodeRefused(_("Deze code klopt niet of is verlopen. Kijk goed of vraag een nieuwe code."))
            access = services.code_verify(
                context=access_context(request), access_id=pending, code=request.POST.get("code", "")[:20]
            )
        except services.CodeRefused as exc:
            error, status = exc.message, 400
        else:
            request.session.cycle_key()
            request.session.pop(SESSION_PENDING, None)
            request.session[SESSION_ACCESS] = str(access.pk)
            return redirect("ouders:plan")
    return _parent_render(request, "code.html", {"error": error}, status=status)


@require_http_methods(["GET", "HEAD"])
def plan(request: HttpRequest) -> HttpResponse:
    access = selectors.parent_access_for_session(request.session.get(SESSION_ACCESS))
    if access is None:
        request.session.pop(SESSION_ACCESS, None)
        return redirect("ouders:login")
    view = selectors.parent_view_read(context=access_context(request), access=access)
    return _parent_render(request, "plan.html", {"view": view, "parent_access": access})


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    access_id = request.session.pop(SESSION_ACCESS, None)
    access = selectors.parent_access_for_session(access_id)
    if access is not None:
        access_log_write(
            context=access_context(request),
            user=None,
            username=services.parent_actor(access),
            action=AccessLogEntry.Action.LOGOUT,
            gezinsplan_id=str(access.gezinsplan_id),
            object_type=services.OBJECT_TYPE,
            object_id=str(access.pk),
        )
    messages.success(request, _("U bent uitgelogd."))
    return redirect("ouders:login")
