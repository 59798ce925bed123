"""The route-content pages (issue 15 items 2–4): only a two-factor editor or policy officer sees them; saving,
a conflict and approval go through the services and come back as pages, never a 500."""

from __future__ import annotations

import pytest

from accounts.helpers import make_policy_staff, make_professional, make_user, verified_client
from wegwijzer.routeguide.models import ContentDraft

from .test_drafts import RULE, changed_rule

pytestmark = pytest.mark.django_db
HOME = "/route/redactie/"
FILE = f"/route/redactie/bestand/{RULE}"


def test_others_get_404_and_anonymous_goes_to_login(client, content_copy):  # noqa: F811
    assert client.get(HOME).status_code == 302
    verified_client(client, make_professional("jgz1"))
    assert client.get(HOME).status_code == 404
    assert client.get(FILE).status_code == 404


def test_editor_saves_sees_problems_and_a_colleague_approves(client, content_copy):  # noqa: F811
    author = make_policy_staff("beleid1")
    verified_client(client, author)
    page = client.get(HOME)
    assert page.status_code == 200 and RULE in page.content.decode()
    assert client.get(FILE).status_code == 200
    assert client.get("/route/redactie/bestand/routeguide/../vocabulary.yaml").status_code == 404
    bad = changed_rule(content_copy).replace("stay-involved", "bestaat-niet")
    saved = client.post(FILE, {"text": bad, "version": "0"})
    assert saved.status_code == 302
    draft = ContentDraft.objects.get()
    body = client.get(saved["Location"]).content.decode()
    assert "Regel 6:" in body and "bestaat-niet" in body
    conflict = client.post(FILE, {"text": bad + "# x\n", "version": "0"})
    assert conflict.status_code == 409 and "intussen opgeslagen" in conflict.content.decode()
    assert client.post(FILE, {"text": changed_rule(content_copy), "version": "1"}).status_code == 302
    refused = client.post(f"/route/redactie/concept/{draft.pk}/goedkeuren/", {"version": "2"})
    assert refused.status_code == 400 and "een collega" in refused.content.decode()
    client.logout()
    verified_client(client, make_user("redacteur2", role="redacteur"))
    body = client.get(f"/route/redactie/concept/{draft.pk}/").content.decode()
    assert "veranderen van uitkomst" in body
    assert client.post(f"/route/redactie/concept/{draft.pk}/goedkeuren/", {"version": "2"}).status_code == 302
    short = client.post(f"/route/redactie/concept/{draft.pk}/publiceren/", {"version": "3", "reason": "kort"})
    assert short.status_code == 400 and "minstens 5 tekens" in short.content.decode()
    done = client.post(f"/route/redactie/concept/{draft.pk}/publiceren/", {"version": "3", "reason": "Blijf betrokken"})
    assert done.status_code == 302
    assert ContentDraft.objects.get().status == ContentDraft.Status.PUBLISHED
    assert "Blijf betrokken" in client.get(HOME + "?gepubliceerd=1").content.decode()
