"""The admin edits the social map and keeps history (who, when, what; revert)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from wegwijzer.socialmap.models import Organization, Role, Service, Wijk

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(admin_client):
    return admin_client


@pytest.mark.parametrize("model", ["role", "organization", "service", "wijk", "taxonomyterm", "phone", "schedule",
                                   "contact", "location", "serviceatlocation"])
def test_changelists_render_with_search_and_filters(editor, loaded_map, model):
    url = reverse(f"admin:socialmap_{model}_changelist")
    assert editor.get(url).status_code == 200
    assert editor.get(url, {"q": "kraam"}).status_code == 200


def test_record_filters(editor, loaded_map):
    response = editor.get(reverse("admin:socialmap_service_changelist"), {"wet": "zvw"})
    assert response.status_code == 200
    assert "Extra uren (verlengde) kraamzorg" in response.content.decode()
    assert "Kortdurende video-hometraining" not in response.content.decode()


def _form_data(response) -> dict:
    """The change form's current values, as a browser would post them back."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(value, "all"):
            value = [str(v.pk) for v in value.all()]
        elif isinstance(value, list) and value and hasattr(value[0], "pk"):
            value = [str(v.pk) for v in value]
        elif isinstance(value, (list, dict)):
            value = form[name].value()
        data[name] = "" if value is None else value
        if field.show_hidden_initial:  # fields with a callable default: the browser posts their initial too
            data[form.add_initial_prefix(name)] = form[name].value()
    for fs in (response.context.get("inline_admin_formsets") or []):
        prefix = fs.formset.prefix
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    return {k: v for k, v in data.items() if v != [] and v is not False}


def test_admin_edit_records_history_with_user_and_revert(editor, loaded_map, admin_user):
    role = Role.objects.get(slug="jgz")
    url = reverse("admin:socialmap_role_change", args=[role.pk])
    data = _form_data(editor.get(url))
    data["links"] = "[]"
    data["sources"] = '["Wegwijzer Bijlage 1"]'
    data["summary"] = "Nieuwe samenvatting door de redactie."
    response = editor.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    role.refresh_from_db()
    assert role.summary == "Nieuwe samenvatting door de redactie."
    latest = role.history.latest()
    assert latest.history_user == admin_user
    assert latest.history_type == "~"
    previous = latest.prev_record
    assert previous is not None
    assert "summary" in [c.field for c in latest.diff_against(previous).changes]
    # The history page shows who and what; revert restores the earlier version.
    history = editor.get(reverse("admin:socialmap_role_history", args=[role.pk]))
    assert history.status_code == 200 and admin_user.username in history.content.decode()
    revert_url = reverse("admin:socialmap_role_simple_history", args=[role.pk, previous.history_id])
    revert_form = editor.get(revert_url)
    assert revert_form.status_code == 200
    data = _form_data(revert_form)
    data["links"] = "[]"
    data["sources"] = '["Wegwijzer Bijlage 1"]'
    assert editor.post(revert_url, data).status_code == 302
    role.refresh_from_db()
    assert role.summary == previous.summary
    assert role.history.count() == 3


def test_history_on_every_record_model():
    for model in (Role, Service, Organization, Wijk):
        assert hasattr(model, "history")


def test_saving_an_unchanged_record_adds_no_history(editor, loaded_map):
    role = Role.objects.get(slug="jgz")
    before = role.history.count()
    url = reverse("admin:socialmap_role_change", args=[role.pk])
    data = _form_data(editor.get(url))  # posted back as the browser shows it
    response = editor.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert role.history.count() == before
    data["summary"] = role.summary + " Aangevuld."
    assert editor.post(url, data).status_code == 302
    assert role.history.count() == before + 1
    latest = role.history.latest()
    assert "summary" in [c.field for c in latest.diff_against(latest.prev_record).changes]
    assert {t.taxonomyterm_id for t in latest.terms.all()} == set(role.terms.values_list("pk", flat=True))


def test_changing_the_terms_is_one_history_row_with_the_new_terms(editor, loaded_map):
    from wegwijzer.socialmap.models import TaxonomyTerm

    role = Role.objects.get(slug="jgz")
    before = role.history.count()
    url = reverse("admin:socialmap_role_change", args=[role.pk])
    data = _form_data(editor.get(url))
    extra = TaxonomyTerm.objects.exclude(pk__in=role.terms.values("pk")).order_by("code").first()
    data["terms"] = [*data.get("terms", []), str(extra.pk)]
    response = editor.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert role.history.count() == before + 1
    latest = role.history.latest()
    assert str(extra.pk) in {str(t.taxonomyterm_id) for t in latest.terms.all()}
