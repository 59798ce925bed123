"""user_create, api_token_issue, api_token_revoke and the role helpers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from wegwijzer.accounts.models import ApiToken, User
from wegwijzer.accounts.roles import (
    all_roles,
    is_content_editor,
    is_policy_staff,
    is_professional,
    professional_roles,
)
from wegwijzer.accounts.services import api_token_issue, api_token_revoke, user_create
from wegwijzer.audit.models import AccessLogEntry

from .helpers import make_content_editor, make_policy_staff, make_professional, make_superuser

pytestmark = pytest.mark.django_db

GOOD = "Lange-zin-als-wachtwoord-77"


def _organization(slug: str):
    from wegwijzer.socialmap.models import Organization

    return Organization.objects.create(slug=slug, name=slug.replace("-", " ").title())


def _errors(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def test_user_create_with_known_organization():
    _organization("jgz-utrecht")
    user = user_create(username="sanne", role="jgz", organization_slug="jgz-utrecht", password=GOOD,
                       email="sanne@example.nl")
    assert user.pk and user.is_active and not user.is_staff
    assert user.check_password(GOOD)
    assert (user.role, user.organization_slug, user.email) == ("jgz", "jgz-utrecht", "sanne@example.nl")
    assert AccessLogEntry.objects.filter(action="user_create", object_id=str(user.pk)).exists()


def test_user_create_staff_role_without_organization():
    user = user_create(username="beleid1", role="beleid", password=GOOD)
    assert user.role == "beleid" and user.organization_slug == ""


def test_user_create_unknown_role_is_refused_in_dutch():
    with pytest.raises(ValidationError) as excinfo:
        user_create(username="x1", role="tandarts", password=GOOD)
    assert "Onbekende rol ‘tandarts’" in _errors(excinfo)["role"][0]
    assert not User.objects.filter(username="x1").exists()


def test_user_create_unknown_organization_is_refused_even_with_empty_map():
    with pytest.raises(ValidationError) as excinfo:
        user_create(username="x2", role="jgz", organization_slug="bestaat-niet", password=GOOD)
    assert "Onbekende organisatie ‘bestaat-niet’" in _errors(excinfo)["organization_slug"][0]


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("kort", "te kort"),
        ("123456789012345", "niet alleen uit cijfers"),
        ("password1234", "komt te vaak voor"),
        ("marieke-jansen1", "lijkt te veel op"),
    ],
)
def test_user_create_weak_passwords_are_refused_in_dutch(password, fragment):
    with pytest.raises(ValidationError) as excinfo:
        user_create(username="marieke-jansen", role="jgz", password=password)
    assert any(fragment in message for message in _errors(excinfo)["password"])


def test_user_create_duplicate_and_invalid_username():
    make_professional("dubbel")
    with pytest.raises(ValidationError) as excinfo:
        user_create(username="Dubbel", role="jgz", password=GOOD)
    assert "bestaat al" in _errors(excinfo)["username"][0]
    with pytest.raises(ValidationError) as excinfo:
        user_create(username="met spatie!", role="jgz", password=GOOD)
    assert "username" in _errors(excinfo)


def test_user_create_invalid_email():
    with pytest.raises(ValidationError) as excinfo:
        user_create(username="mail", role="jgz", password=GOOD, email="geen-adres")
    assert "geen geldig e-mailadres" in _errors(excinfo)["email"][0]


def test_api_token_issue_defaults_and_days(settings):
    user = make_professional("tok")
    admin = make_superuser()
    token, raw = api_token_issue(user=user, issued_by=admin)
    assert raw.startswith("ww_") and len(raw) > 40
    expected = timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)
    assert abs((token.expires_at - expected).total_seconds()) < 60
    assert token.created_by == admin
    short, _raw = api_token_issue(user=user, days=1, name="koppeling")
    assert short.expires_at < token.expires_at and short.name == "koppeling"
    assert ApiToken.objects.filter(user=user).count() == 2
    entry = AccessLogEntry.objects.filter(action="token_issue").order_by("id").first()
    assert entry.username == admin.username and entry.detail == f"user_id={user.pk}"


def test_api_token_issue_refuses_zero_days_and_inactive_users():
    user = make_professional("nul")
    with pytest.raises(ValidationError):
        api_token_issue(user=user, days=0)
    user.is_active = False
    with pytest.raises(ValidationError):
        api_token_issue(user=user)


def test_api_token_revoke_is_idempotent():
    user = make_professional("weg")
    admin = make_superuser()
    token, _raw = api_token_issue(user=user)
    api_token_revoke(token=token, revoked_by=admin)
    first = token.revoked_at
    assert first is not None and token.revoked_by == admin and not token.is_active
    api_token_revoke(token=token, revoked_by=admin)
    token.refresh_from_db()
    assert token.revoked_at == first
    assert AccessLogEntry.objects.filter(action="token_revoke").count() == 1


def test_roles_come_from_the_vocabulary():
    roles = professional_roles()
    assert {"verloskundige", "kraamzorg", "jgz", "huisarts", "ziekenhuis"} <= set(roles)
    assert "redacteur" not in roles and "beleid" not in roles
    assert {"redacteur", "beleid"} <= set(all_roles())


def test_role_predicates():
    from django.contrib.auth.models import AnonymousUser

    pro = make_professional("pro", role="huisarts")
    editor = make_content_editor()
    policy = make_policy_staff()
    superuser = make_superuser()
    superuser_with_role = make_superuser("super2", )
    superuser_with_role.role = "jgz"
    nobody = make_professional("zonder-rol", role="")
    odd = make_professional("vreemd", role="tandarts")
    inactive = make_professional("slapend", is_active=False)
    assert is_professional(pro)
    for user in (editor, policy, superuser, superuser_with_role, nobody, odd, inactive, AnonymousUser(), None):
        assert not is_professional(user)
    assert is_content_editor(editor) and not is_content_editor(pro) and not is_content_editor(policy)
    assert is_policy_staff(policy) and not is_policy_staff(pro) and not is_policy_staff(editor)
