"""Corrections and freshness (issue 10, item 5): "Klopt er iets niet?" into the editors' queue and its reply;
assured_date only when a person checked; the review cycle."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from accounts.helpers import make_content_editor, make_professional, verified_client
from wegwijzer.socialmap.models import UNCONFIRMED_CONCEPT, Correction, Organization, Role, Service

FORM = "/kaart/verlengde-kraamzorg/klopt-er-iets-niet/"


def _post(client, **data):
    body = {"topic": "contact", "message": "Het telefoonnummer is veranderd, zie hun eigen site.", **data}
    return client.post(FORM, body, REMOTE_ADDR=data.pop("addr", "192.0.2.10"))


@pytest.fixture
def editor_client(client, db):
    return verified_client(client, make_content_editor("redacteur"))


# ---------------------------------------------------------------- the form


def test_every_record_page_has_the_form(client, loaded_map):
    body = client.get("/kaart/verlengde-kraamzorg/").content.decode()
    assert 'id="ww-h-correction"' in body and f'action="{FORM}"' in body
    assert 'name="reply_email"' in body and "niet verplicht" in body
    assert 'name="homepage"' in body  # the honeypot, in a hidden block


def test_anonymous_report_lands_in_the_queue_and_the_reply_reaches_the_sender(
    client, loaded_map, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = _post(client, reply_email="vk@example.org")
    assert response.status_code == 302 and response["Location"].endswith("/klopt-er-iets-niet/bedankt/")
    correction = Correction.objects.get()
    assert (correction.record_slug, correction.record_kind, correction.status) == ("verlengde-kraamzorg", "aanbod", "nieuw")
    assert correction.client_hash and "192.0.2.10" not in correction.client_hash  # the address is not stored

    editor = verified_client(client, make_content_editor("redacteur"))
    queue = editor.get("/kaart/redactie/").content.decode()
    assert "Extra uren (verlengde) kraamzorg" in queue and f"/kaart/redactie/correcties/{correction.pk}/" in queue
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = editor.post(f"/kaart/redactie/correcties/{correction.pk}/",
                               {"status": "verwerkt", "reply": "Dank u, het nummer is aangepast."})
    assert len(callbacks) == 1  # the mail is a task enqueued after the commit
    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.status == "verwerkt" and correction.handled_by.username == "redacteur"
    assert correction.reply_mail_status == Correction.MailStatus.SENT
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["vk@example.org"]
    assert "Dank u, het nummer is aangepast." in mail.outbox[0].body
    # saving again without a new reply sends nothing more
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        editor.post(f"/kaart/redactie/correcties/{correction.pk}/", {"status": "verwerkt", "reply": correction.reply})
    assert callbacks == [] and len(mail.outbox) == 1


def test_a_logged_in_professional_can_report_too_and_without_email_no_mail_goes(client, loaded_map, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    verified_client(client, make_professional("vk", role="verloskundige"))
    assert _post(client).status_code == 302
    correction = Correction.objects.get()
    assert correction.reply_email == ""
    from wegwijzer.socialmap.corrections import correction_update

    editor = make_content_editor("redacteur")
    editor.is_verified = lambda: True
    correction_update(correction_id=correction.pk, status="afgewezen", reply="Klopt toch.", user=editor)
    assert mail.outbox == [] and Correction.objects.get().reply_mail_status == ""


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"message": "kort"}, "message", "minstens 10 tekens"),
    ({"message": "x" * 2001}, "message", "hoogstens 2000 tekens"),
    ({"topic": "spam"}, "topic", "Kies waar het over gaat"),
    ({"reply_email": "geen-adres"}, "reply_email", "geldig e-mailadres"),
    ({"message": "Goedkoop! https://spam.example/a https://spam.example/b www.spam.example"}, "message",
     "hoogstens één link"),
    ({"message": "klik [url=https://spam.example]hier[/url] en <a href='https://x.example'>daar</a>"}, "message",
     "hoogstens één link"),
])
def test_bad_input_is_refused_in_dutch_and_nothing_is_stored(client, loaded_map, data, field, message):
    response = _post(client, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Correction.objects.count() == 0


def test_one_link_is_fine_and_shown_as_plain_text_to_editors(client, loaded_map):
    _post(client, message="Het juiste nummer staat op https://www.example.org/contact <script>x</script>")
    correction = Correction.objects.get()
    page = verified_client(client, make_content_editor("redacteur")).get(f"/kaart/redactie/correcties/{correction.pk}/")
    body = page.content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in body and "<script>x</script>" not in body
    assert 'href="https://www.example.org/contact"' not in body  # never made clickable


def test_honeypot_is_thanked_and_stores_nothing(client, loaded_map):
    response = _post(client, homepage="http://bot.example")
    assert response.status_code == 302 and Correction.objects.count() == 0


def test_rate_limited_per_client_address(client, loaded_map, settings):
    settings.CORRECTION_RATE_PER_HOUR = 2
    assert _post(client).status_code == 302
    assert _post(client).status_code == 302
    response = _post(client)
    assert response.status_code == 429 and "Probeer het later opnieuw" in response.content.decode()
    assert _post(client, addr="192.0.2.99").status_code == 302  # another client is not affected
    assert Correction.objects.count() == 3
    # an hour later the first client may send again
    Correction.objects.update(created_at=timezone.now() - dt.timedelta(hours=2))
    assert _post(client).status_code == 302


def test_unknown_record_and_wijk_have_no_form(client, loaded_map):
    assert client.get("/kaart/bestaat-niet/klopt-er-iets-niet/").status_code == 404
    assert client.post("/kaart/bestaat-niet/klopt-er-iets-niet/", {"message": "x" * 20}).status_code == 404


def test_queue_is_for_editors_only(client, loaded_map):
    _post(client)
    pk = Correction.objects.get().pk
    assert client.get(f"/kaart/redactie/correcties/{pk}/").status_code == 302  # login
    verified_client(client, make_professional("vk", role="verloskundige"))
    assert client.get(f"/kaart/redactie/correcties/{pk}/").status_code == 404
    response = client.post(f"/kaart/redactie/correcties/{pk}/", {"status": "verwerkt"})
    assert response.status_code == 404 and Correction.objects.get().status == "nieuw"


def test_editor_bad_status_is_refused(editor_client, client, loaded_map):
    _post(client, addr="192.0.2.50")
    pk = Correction.objects.get().pk
    response = editor_client.post(f"/kaart/redactie/correcties/{pk}/", {"status": "weg", "reply": "x"})
    assert response.status_code == 400 and "Kies een geldige status" in response.content.decode()
    assert Correction.objects.get().status == "nieuw"
    assert editor_client.get("/kaart/redactie/correcties/00000000-0000-0000-0000-000000000000/").status_code == 404


# ---------------------------------------------------------------- freshness


def test_loaded_records_claim_no_check_and_say_where_they_come_from(client, loaded_map):
    service = Service.objects.get(slug="verlengde-kraamzorg")
    assert service.assured_date is None and service.unconfirmed_source == UNCONFIRMED_CONCEPT
    body = client.get("/kaart/verlengde-kraamzorg/").content.decode()
    assert "Bron: concept-wegwijzer 2025, nog niet bevestigd." in body
    hsds = client.get(f"/api/v1/services/{service.id}").json()
    assert not hsds.get("assured_date")


def test_a_checked_record_shows_its_date_and_turns_stale_after_the_cycle(client, loaded_map, settings):
    settings.REVIEW_CYCLE_DAYS = 180
    org = Organization.objects.get(slug="jgz-utrecht")
    today = timezone.localdate()
    org.assured_date, org.unconfirmed_source = today - dt.timedelta(days=10), ""
    org.save()
    body = client.get("/kaart/jgz-utrecht/").content.decode()
    assert "Laatst gecontroleerd op" in body and "mogelijk verouderd" not in body
    assert client.get(f"/api/v1/organizations/{org.id}").json()["assured_date"] == org.assured_date.isoformat()

    org.assured_date = today - dt.timedelta(days=181)
    org.save()
    body = client.get("/kaart/jgz-utrecht/").content.decode()
    assert "mogelijk verouderd" in body

    editor = verified_client(client, make_content_editor("redacteur"))
    review = editor.get("/kaart/redactie/").content.decode().split('id="ww-h-review"')[1]
    assert "JGZ Utrecht" in review and "laatst gecontroleerd op" in review


def test_admin_action_marks_records_checked_today(admin_client, loaded_map):
    org = Organization.objects.get(slug="jgz-utrecht")
    response = admin_client.post("/beheer/socialmap/organization/", {
        "action": "mark_checked_today", "_selected_action": [str(org.pk)],
    })
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.assured_date == timezone.localdate() and org.unconfirmed_source == ""
    assert org.history.first().history_change_reason == "gecontroleerd"


def test_migration_forgets_dates_nobody_set(loaded_map):
    """The data migration's rule: records without a user in their history lose the file's date."""
    import importlib

    from django.apps import apps

    module = importlib.import_module("wegwijzer.socialmap.migrations.0004_corrections")
    Organization.objects.update(assured_date=dt.date(2026, 11, 23), unconfirmed_source="")
    editor = make_content_editor("redacteur")
    touched = Organization.objects.get(slug="jgz-utrecht")
    touched._history_user = editor
    touched.save()
    module.forget_unchecked_dates(apps, None)
    touched.refresh_from_db()
    assert touched.assured_date == dt.date(2026, 11, 23)
    other = Organization.objects.exclude(pk=touched.pk).first()
    assert other.assured_date is None and other.unconfirmed_source == UNCONFIRMED_CONCEPT


# ---------------------------------------------------------------- weekly reminder (Django Task)


def test_weekly_reminder_mails_the_editors_what_is_overdue(loaded_map, settings, capsys):
    from django.core.management import call_command

    from wegwijzer.socialmap.tasks import review_reminder_send

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert review_reminder_send.call() == "no-editors"  # nobody to tell: nothing sent
    make_content_editor("redacteur", email="redactie@example.org")
    make_content_editor("oud", email="oud@example.org", is_active=False)
    make_professional("vk", role="verloskundige", email="vk@example.org")
    call_command("review_reminders")  # tests run tasks inline
    assert "in de wachtrij" in capsys.readouterr().out
    assert len(mail.outbox) == 1 and mail.outbox[0].bcc == ["redactie@example.org"] and mail.outbox[0].to == []
    never = sum(m.objects.filter(assured_date__isnull=True).count() for m in (Organization, Service, Role))
    assert f"- {never} record(s) zijn nog door niemand gecontroleerd" in mail.outbox[0].body


def test_weekly_reminder_is_quiet_when_everything_is_checked(loaded_map, settings):
    from wegwijzer.socialmap.tasks import review_reminder_send

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_content_editor("redacteur", email="redactie@example.org")
    for model in (Role, Organization, Service):
        model.objects.update(assured_date=timezone.localdate(), unconfirmed_source="")
    assert review_reminder_send.call() == "nothing" and mail.outbox == []
