import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from gezinsplan.factories import Team, membership
from wegwijzer.gezinsplan import services as plan_services
from wegwijzer.gezinsplan.models import Regie
from wegwijzer.ouders import services

SECRET = "GEHEIME-AFWEGING-VAN-HET-TEAM"


@pytest.fixture(autouse=True)
def _dutch():
    """Each test starts in Dutch: a request under /en/ leaves English active in the test's thread."""
    with translation.override("nl"):
        yield


class ParentTeam(Team):
    """A Team whose member leads the regie, with a consideration in step 1 that parents must never see."""

    def __init__(self):
        super().__init__()
        plan_services.regie_set(
            actor=self.member,
            gezinsplan=self.gezinsplan,
            lead="member",
            lead_member=membership(self.gezinsplan, self.member),
            expected_version=Regie.objects.get(gezinsplan=self.gezinsplan).version,
        )
        plan_services.plan_section_update(
            actor=self.member,
            gezinsplan=self.gezinsplan,
            step=1,
            content="Inhoud stap 1",
            considerations=SECRET,
            expected_version=0,
        )


@pytest.fixture
def pteam(db):
    return ParentTeam()


def invite_token(body: str) -> str:
    return re.search(r"/ouders/uitnodiging/([^/\s]+)/", body).group(1)


def mailed_code(body: str) -> str:
    return re.search(r"Uw code is: (\d{6})", body).group(1)


def parent_logged_in(team, capture, *, email="ouder@example.org", name="Sanne") -> tuple[Client, object]:
    """A fresh client that went through invite → link → mailed code; returns it and the access."""
    with capture(execute=True):
        access, _token = services.parent_access_grant(
            actor=team.member, context=None, gezinsplan=team.gezinsplan, parent_name=name, email=email
        )
    token = invite_token(mail.outbox[-1].body)
    client = Client()
    with capture(execute=True):
        response = client.post(reverse("ouders:invite", kwargs={"token": token}))
    assert response.status_code == 302
    code = mailed_code(mail.outbox[-1].body)
    response = client.post(reverse("ouders:code"), {"code": code})
    assert response.status_code == 302 and response["Location"] == reverse("ouders:plan")
    return client, access
