"""Providers propose edits to their own records; an editor approves them (four eyes): nothing publishes before,
the proposer never approves, a changed record gives a conflict, another organisation's record is a 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from accounts.helpers import make_content_editor, make_professional, make_user, verified_client
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.socialmap import changes
from wegwijzer.socialmap.models import EditProposal, Organization, RecordChange, Service

PROPOSE = "/aanbieder/gegevens/aanbod/video-hometraining/"


@pytest.fixture
def provider(loaded_map):
    # JGZ Utrecht provides video-hometraining; Kraamzorg Utrecht provides verlengde-kraamzorg.
    return make_user("jgz-aanbieder", role="aanbieder", organization_slug="jgz-utrecht")


@pytest.fixture
def provider_client(provider):
    return verified_client(Client(), provider)


@pytest.fixture
def editor_client(loaded_map):
    return verified_client(Client(), make_content_editor("redacteur"))


def _form(client, url=PROPOSE, **changes):
    """The form as the provider got it, with `changes` typed over it."""
    page = client.get(url)
    assert page.status_code == 200
    fields = {f["name"]: f["value"] for f in page.context["fields"]}
    return {**fields, **changes}


def test_a_proposal_publishes_only_after_an_editor_approves(provider_client, editor_client, provider):
    service = Service.objects.get(slug="video-hometraining")
    old_name = service.name
    data = _form(provider_client, email="info@jgz.example.org", while_waiting="Bel ons gerust tijdens het wachten.")
    response = provider_client.post(PROPOSE, data)
    assert response.status_code == 302 and "/aanbieder/gegevens/?ingediend=" in response["Location"]
    proposal = EditProposal.objects.get()
    assert proposal.changes == {"email": {"old": service.email, "new": "info@jgz.example.org"},
                                "while_waiting": {"old": "", "new": "Bel ons gerust tijdens het wachten."}}
    assert (proposal.status, proposal.proposed_by, proposal.organization_slug) == ("nieuw", provider, "jgz-utrecht")
    service.refresh_from_db()
    assert service.email != "info@jgz.example.org"  # nothing published yet
    assert "Wacht op de redactie" in provider_client.get("/aanbieder/gegevens/").content.decode()
    assert AccessLogEntry.objects.filter(object_type="edit_proposal", action="create",
                                         object_id=str(proposal.pk)).exists()

    queue = editor_client.get("/kaart/redactie/voorstellen/").content.decode()
    assert old_name in queue and f"/kaart/redactie/voorstellen/{proposal.pk}/" in queue
    review = editor_client.get(f"/kaart/redactie/voorstellen/{proposal.pk}/").content.decode()
    assert "Tijdens het wachten" in review and "info@jgz.example.org" in review and "Was" in review
    before = changes.counter_read().value
    history_before = service.history.count()
    response = editor_client.post(f"/kaart/redactie/voorstellen/{proposal.pk}/",
                                  {"decision": "approve", "reply": "Dank u."})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.email == "info@jgz.example.org"
    assert service.while_waiting == "Bel ons gerust tijdens het wachten."
    assert service.assured_date == timezone.localdate() and service.unconfirmed_source == ""
    assert service.history.count() == history_before + 1
    assert changes.counter_read().value == before + 1
    assert RecordChange.objects.filter(seq=before + 1, record_kind="service", record_id=service.pk).exists()
    proposal.refresh_from_db()
    assert (proposal.status, proposal.handled_by.username, proposal.reply) == ("goedgekeurd", "redacteur", "Dank u.")
    assert "info@jgz.example.org" in Client().get("/kaart/video-hometraining/").content.decode()
    page = provider_client.get("/aanbieder/gegevens/").content.decode()
    assert "Goedgekeurd en gepubliceerd" in page and "Dank u." in page
    assert AccessLogEntry.objects.filter(object_type="edit_proposal", action="update", detail="goedgekeurd").exists()


def test_rejection_needs_a_reason_and_the_provider_sees_it(provider_client, editor_client):
    provider_client.post(PROPOSE, _form(provider_client, summary="Een nieuwe samenvatting."))
    proposal = EditProposal.objects.get()
    url = f"/kaart/redactie/voorstellen/{proposal.pk}/"
    response = editor_client.post(url, {"decision": "reject", "reply": "  "})
    assert response.status_code == 400 and "waarom u het voorstel afwijst" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "nieuw"
    assert editor_client.post(url, {"decision": "reject", "reply": "Dit aanbod heet anders."}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "afgewezen"
    assert Service.objects.get(slug="video-hometraining").summary != "Een nieuwe samenvatting."
    page = provider_client.get("/aanbieder/gegevens/").content.decode()
    assert "Afgewezen" in page and "Dit aanbod heet anders." in page
    # handled once: a second decision is refused
    response = editor_client.post(url, {"decision": "approve"})
    assert response.status_code == 400 and "al behandeld" in response.content.decode()


def test_the_proposer_never_approves_their_own_proposal(provider_client, loaded_map):
    provider_client.post(PROPOSE, _form(provider_client, summary="Zelf goedgekeurd?"))
    proposal = EditProposal.objects.get()
    editor = make_content_editor("redacteur-indiener")
    EditProposal.objects.filter(pk=proposal.pk).update(proposed_by=editor)  # an editor who proposed
    client = verified_client(Client(), editor)
    page = client.get(f"/kaart/redactie/voorstellen/{proposal.pk}/").content.decode()
    assert "een andere redacteur moet het beoordelen" in page and 'value="approve"' not in page
    response = client.post(f"/kaart/redactie/voorstellen/{proposal.pk}/", {"decision": "approve"})
    assert response.status_code == 400
    proposal.refresh_from_db()
    assert proposal.status == "nieuw"
    assert Service.objects.get(slug="video-hometraining").summary != "Zelf goedgekeurd?"


def test_a_record_changed_after_the_proposal_gives_a_conflict_not_an_overwrite(provider_client, editor_client):
    provider_client.post(PROPOSE, _form(provider_client, summary="Voorstel van de aanbieder."))
    proposal = EditProposal.objects.get()
    Service.objects.filter(slug="video-hometraining").update(summary="Intussen door de redactie gewijzigd.")
    review = editor_client.get(f"/kaart/redactie/voorstellen/{proposal.pk}/").content.decode()
    assert "dit veld is intussen gewijzigd" in review
    before = changes.counter_read().value
    editor_client.post(f"/kaart/redactie/voorstellen/{proposal.pk}/", {"decision": "approve"})
    proposal.refresh_from_db()
    assert proposal.status == "conflict" and "gewijzigd nadat u dit voorstel deed" in proposal.reply
    assert Service.objects.get(slug="video-hometraining").summary == "Intussen door de redactie gewijzigd."
    assert changes.counter_read().value == before
    assert "Niet verwerkt" in provider_client.get("/aanbieder/gegevens/").content.decode()


def test_the_organisation_itself_can_be_proposed_too(provider_client, editor_client):
    url = "/aanbieder/gegevens/organisatie/jgz-utrecht/"
    provider_client.post(url, _form(provider_client, url, website="https://www.jgz.example.org/"))
    proposal = EditProposal.objects.get()
    assert proposal.record_kind == "organisatie"
    editor_client.post(f"/kaart/redactie/voorstellen/{proposal.pk}/", {"decision": "approve"})
    assert Organization.objects.get(slug="jgz-utrecht").website == "https://www.jgz.example.org/"


def test_another_organisations_record_is_a_404_and_nothing_is_stored(provider_client, loaded_map):
    for url in ("/aanbieder/gegevens/aanbod/verlengde-kraamzorg/", "/aanbieder/gegevens/organisatie/kraamzorg-utrecht/",
                "/aanbieder/gegevens/rol/jgz/", "/aanbieder/gegevens/aanbod/bestaat-niet/"):
        assert provider_client.get(url).status_code == 404
        assert provider_client.post(url, {"summary": "Overgenomen!"}).status_code == 404
    assert EditProposal.objects.count() == 0
    assert "verlengde-kraamzorg" not in provider_client.get("/aanbieder/gegevens/").content.decode()


def test_bad_input_gives_a_dutch_error_per_field_and_stores_nothing(provider_client):
    data = _form(provider_client, name=" ", email="geen-adres", website="javascript:alert(1)", summary="x" * 301,
                 description="Mijn nieuwe tekst blijft staan.")
    response = provider_client.post(PROPOSE, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Vul een naam in." in body and "geldig e-mailadres" in body and "begint met https://" in body
    assert "Samenvatting is te lang: hoogstens 300 tekens." in body
    assert "Mijn nieuwe tekst blijft staan." in body and 'value="geen-adres"' in body  # nothing the user typed is lost
    assert body.count('aria-invalid="true"') == 4
    assert EditProposal.objects.count() == 0
    # no change at all: refused too, not an empty proposal
    response = provider_client.post(PROPOSE, _form(provider_client))
    assert response.status_code == 400 and "niets gewijzigd" in response.content.decode()
    assert EditProposal.objects.count() == 0


def test_pages_are_for_providers_and_editors_only(client, provider, loaded_map):
    client.force_login(provider)  # password only
    response = client.get(PROPOSE)
    assert response.status_code == 302 and "/tweestapsverificatie/" in response["Location"]
    professional = make_professional("jgz-pro", role="jgz", organization_slug="jgz-utrecht")
    other = verified_client(Client(), professional)
    assert other.get(PROPOSE).status_code == 404
    assert other.get("/aanbieder/gegevens/").status_code == 404
    assert other.get("/kaart/redactie/voorstellen/").status_code == 404
    assert verified_client(Client(), provider).get("/kaart/redactie/voorstellen/").status_code == 404
