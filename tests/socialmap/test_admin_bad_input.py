"""The admin answers bad ids in choice fields with form errors, never a 500 (PostgreSQL rejects non-UUIDs)."""

from __future__ import annotations

import pytest

from wegwijzer.socialmap.models import Contact, Organization


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["abc", "1", "00000000-0000-0000-0000-00000000000z", "\x00"])
def test_contact_change_form_with_a_bad_organization_id(admin_client, bad):
    org = Organization.objects.create(slug="org-a", name="Org A")
    contact = Contact.objects.create(organization=org, name="")
    response = admin_client.post(
        f"/beheer/socialmap/contact/{contact.pk}/change/",
        {"organization": bad, "service": "", "name": "x", "title": "", "email": "",
         "phones-TOTAL_FORMS": "0", "phones-INITIAL_FORMS": "0"},
    )
    assert response.status_code in (200, 400)
    contact.refresh_from_db()
    assert contact.organization_id == org.pk
