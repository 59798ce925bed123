"""Finding a colleague (issue 12, item 2): case-insensitive, professionals only, minimal data."""

from __future__ import annotations

import dataclasses

import pytest

from wegwijzer.accounts.selectors import colleague_lookup, professional_by_username

from .helpers import make_content_editor, make_professional, make_superuser

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    anna = make_professional("anna.jansen", role="jgz", organization_slug="jgz-utrecht", first_name="Anna", last_name="Jansen", email="anna@example.nl")
    bram = make_professional("bvdberg", role="kraamzorg", organization_slug="kraamzorg-het-nest", first_name="Bram", last_name="van den Berg")
    make_content_editor("redactie-jansen", first_name="Jan", last_name="Jansen")
    make_superuser("beheer-jansen")
    gone = make_professional("oud-jansen", role="jgz", last_name="Jansen")
    gone.is_active = False
    gone.save()
    return anna, bram


@pytest.mark.parametrize("query", ["JANSEN", "anna", "Anna Jansen", "jgz-UTRECHT", "jeugdgezondheidszorg", "ANNA.J"])
def test_lookup_finds_by_name_organisation_or_role_case_insensitively(people, query):
    assert [h.username for h in colleague_lookup(query=query)] == ["anna.jansen"]


def test_lookup_never_finds_staff_superusers_or_inactive_accounts(people):
    found = {h.username for h in colleague_lookup(query="jansen")}
    assert found == {"anna.jansen"}


def test_lookup_shows_minimal_data_and_needs_two_characters(people):
    hit = colleague_lookup(query="kraamzorg")[0]
    assert set(dataclasses.asdict(hit)) == {"username", "name", "role", "role_label", "organization_slug"}
    assert hit.name == "Bram van den Berg" and hit.role_label == "Kraamzorg"
    assert colleague_lookup(query="a") == []
    assert colleague_lookup(query="jansen", exclude_user_ids=[people[0].pk]) == []


def test_username_is_found_case_insensitively_unless_ambiguous(people):
    assert professional_by_username("Anna.Jansen") == people[0]
    make_professional("Anna.JANSEN")
    assert professional_by_username("anna.jansen") == people[0]  # exact match wins
    assert professional_by_username("ANNA.jansen") is None  # two case-insensitive matches: no guess
