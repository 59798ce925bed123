"""The Leren API: the Done-when flow through every endpoint, 422 per field, and 404 for non-members on all."""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone

from accounts.helpers import bearer
from wegwijzer.conf.api import openapi_document
from wegwijzer.leren import anonymity, services
from wegwijzer.leren.models import TEXT_FIELDS, Discussion, Improvement

API = "/api/v1"


def _post(client, url, body, user, method="post"):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json", **bearer(user))


def test_done_when_flow_through_the_api(client, net):
    chair, member = net.chair, net.member
    r = client.get(f"{API}/networks", **bearer(member))
    assert r.status_code == 200 and [n["slug"] for n in r.json()] == [net.network.slug]
    assert r.json()[0]["map_record"] is None
    r = _post(client, f"{API}/networks/{net.network.pk}/meetings",
              {"starts_at": (timezone.now() - dt.timedelta(days=7)).isoformat(), "title": "Casusoverleg"}, chair)
    assert r.status_code == 201
    meeting = r.json()["id"]
    r = _post(client, f"{API}/meetings/{meeting}/discussions",
              {"description": "Moeder (BSN 111222333) en Anna Visser belden.", "phase": "zwangerschap",
               "concerns": []}, member)
    assert r.status_code == 422
    assert "BSN" in r.json()["errors"]["description"][0] and "Anna Visser" in r.json()["errors"]["description"][0]
    assert Discussion.objects.count() == 0
    r = _post(client, f"{API}/meetings/{meeting}/discussions",
              {"description": "Een moeder met zorgen; de hulp kwam laat op gang.", "phase": "zwangerschap",
               "concerns": []}, member)
    assert r.status_code == 201
    disc = r.json()["id"]
    r = client.get(f"{API}/discussions/{disc}", **bearer(member))
    assert r.status_code == 200
    assert {"code", "label", "main_theme"} <= set(r.json()["themes"][0])
    r = _post(client, f"{API}/discussions/{disc}/assessment", {"items": [
        {"theme": "tijdig-proactief", "judgement": "kon-beter", "explanation": "Te laat."}]}, member, "put")
    assert r.status_code == 200 and r.json()["assessment"][0]["judgement"] == "kon-beter"
    today = timezone.localdate()
    r = _post(client, f"{API}/discussions/{disc}/improvements",
              {"what": "Eerder overleg", "owner": chair.username, "due_date": str(today + dt.timedelta(days=5)),
               "theme": "tijdig-proactief"}, member)
    assert r.status_code == 201
    done = r.json()["id"]
    r = _post(client, f"{API}/discussions/{disc}/improvements",
              {"what": "Kaart bijwerken", "owner": member.username, "due_date": str(today - dt.timedelta(days=2)),
               "theme": "expertise"}, member)
    assert r.status_code == 201 and r.json()["overdue"] is True
    r = _post(client, f"{API}/discussions/{disc}/improvements",
              {"what": "X", "owner": net.outsider.username, "due_date": "2099-01-01"}, member)
    assert r.status_code == 422 and set(r.json()["errors"]) == {"owner", "due_date"}
    r = _post(client, f"{API}/improvements/{done}", {"status": "gedaan", "note": "Afgesproken."}, chair, "patch")
    assert r.status_code == 200 and r.json()["status"] == "gedaan" and r.json()["done_at"]
    r = client.get(f"{API}/improvements?status=open", **bearer(member))
    assert [i["what"] for i in r.json()] == ["Kaart bijwerken"]
    assert Improvement.objects.count() == 2
    r = client.get(f"{API}/meetings/{meeting}/discussions", **bearer(member))
    assert r.status_code == 200 and len(r.json()) == 1


def test_non_members_get_404_on_every_endpoint(client, net):
    d = services.discussion_create(actor=net.member, context=None, meeting=net.meeting, description="Casus zonder gegevens.")
    i = services.improvement_create(actor=net.member, context=None, discussion=d, what="Iets", owner_username=net.member.username,
                                    due_date=timezone.localdate())
    calls = [
        ("get", f"/networks/{net.network.pk}/meetings", None),
        ("post", f"/networks/{net.network.pk}/meetings", {"starts_at": timezone.now().isoformat(), "title": "X"}),
        ("get", f"/meetings/{net.meeting.pk}/discussions", None),
        ("post", f"/meetings/{net.meeting.pk}/discussions", {"description": "Casus", "phase": "", "concerns": []}),
        ("get", f"/discussions/{d.pk}", None),
        ("put", f"/discussions/{d.pk}/assessment", {"items": []}),
        ("post", f"/discussions/{d.pk}/improvements", {"what": "X", "owner": net.member.username, "due_date": "2030-01-01"}),
        ("patch", f"/improvements/{i.pk}", {"status": "gedaan"}),
    ]
    for user in (net.outsider, net.admin):
        for method, path, body in calls:
            if body is None:
                r = client.get(API + path, **bearer(user))
            else:
                r = _post(client, API + path, body, user, method)
            assert r.status_code == 404, (user.username, method, path, r.status_code)
        assert client.get(f"{API}/networks", **bearer(user)).json() == []
        assert client.get(f"{API}/improvements?status=open", **bearer(user)).json() == []
    i.refresh_from_db()
    assert i.status == "open"


def test_openapi_documents_the_leren_paths():
    paths = openapi_document()["paths"]
    for p in ("/networks", "/networks/{network_id}/meetings", "/meetings/{meeting_id}/discussions",
              "/discussions/{discussion_id}", "/discussions/{discussion_id}/assessment",
              "/discussions/{discussion_id}/improvements", "/improvements/{improvement_id}", "/improvements"):
        assert p in paths, p


def test_every_stored_text_field_of_leren_is_free_of_personal_data(client, net):
    test_done_when_flow_through_the_api(client, net)
    names = services.detector_names(net.network)
    checked = 0
    for model, fields in TEXT_FIELDS.items():
        for row in model.objects.all():
            for f in fields:
                assert anonymity.findings(getattr(row, f), names=names) == [], (model.__name__, f)
                checked += 1
    assert checked > 10
