"""The on-disk search index: one writer follows the change counter, readers reload without waiting.

The writer's step (`follow_once`) is called directly; "another process" is simulated by giving the writer
its own opened index (`_opened`), so the reader in this process sees only what is on disk.
"""

from __future__ import annotations

import contextlib
import io
import json
import threading
import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from wegwijzer.socialmap import changes, content, hsds, services
from wegwijzer.socialmap.models import ChangeCounter, RecordChange, Role, Service, TaxonomyTerm, Wijk
from wegwijzer.socialmap.search import lifecycle, search
from wegwijzer.socialmap.search.lifecycle import follow_once, generation_current

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_map(db, settings):
    Role.objects.create(slug="kraamzorg", name="Kraamzorg", summary="Helpt in de eerste week na de bevalling.")
    Role.objects.create(slug="jgz", name="Jeugdgezondheidszorg", summary="Volgt de groei van kinderen.")
    Service.objects.create(slug="verlengde-kraamzorg", name="Extra uren kraamzorg")
    return settings


@contextlib.contextmanager
def other_process():
    """Run the writer's step as another process would: with its own opened index, not this reader's."""
    saved = dict(lifecycle._opened)
    lifecycle._opened.update(index=None, key=None, path=None, extra_offset=0)
    try:
        yield
    finally:
        lifecycle._opened.clear()
        lifecycle._opened.update(saved)


@pytest.fixture
def reader_only(small_map, settings):
    """A web worker under `serve`: it reads the index, the (simulated) indexer writes it."""
    with other_process():
        assert follow_once() == "rebuilt"
    settings.SEARCH_BUILD_IN_PROCESS = False
    return settings


def slugs(query: str) -> list[str]:
    return [r["slug"] for r in search(query)]


def test_an_edit_becomes_searchable_through_the_follower(reader_only):
    assert slugs("babbelbox") == []
    generation = generation_current()
    role = Role.objects.get(slug="jgz")
    role.alternate_name = "babbelbox"
    role.save()
    services.map_records_changed(user=None, objects=[role])
    assert slugs("babbelbox") == []  # no writer step yet: the reader serves the last index
    with other_process():
        assert follow_once() == "updated 1"
    assert slugs("babbelbox") == ["jgz"]
    after = generation_current()
    assert after.path == generation.path  # updated in place, not rebuilt
    assert after.state["counter"] == changes.counter_read().value
    with other_process():
        assert follow_once() == "fresh"


def test_a_new_compound_word_of_an_update_reaches_the_reader(reader_only):
    # New words go to vocabulary-extra.txt; the reader's decompounder learns them on reload.
    Role.objects.filter(slug="jgz").update(name="Peuterspeelzaal")
    services.map_records_changed(user=None, objects=[Role.objects.get(slug="jgz")])
    with other_process():
        follow_once()
    assert "peuter" not in lifecycle.current().decompounder.vocabulary  # not a word of the map yet
    Service.objects.create(slug="peuter", name="Peuter")
    services.map_records_changed(user=None, objects=Service.objects.filter(slug="peuter"))
    with other_process():
        follow_once()
    assert "peuter" in lifecycle.current().decompounder.vocabulary


def test_rename_and_delete_of_a_record(reader_only):
    role = Role.objects.get(slug="kraamzorg")
    role.slug, role.name = "kraamverzorging", "Kraamverzorging"
    role.save()
    services.map_records_changed(user=None, objects=[role])
    with other_process():
        follow_once()
    found = search("kraamverzorging")
    assert [r["slug"] for r in found][:1] == ["kraamverzorging"]
    assert found[0]["url"].endswith("/kraamverzorging/")
    assert "kraamzorg" not in slugs("kraamverzorging bevalling")  # the old slug is gone, not doubled
    keys = services.map_change_keys(objects=[role])
    role.delete()
    services.map_records_changed(user=None, keys=keys)
    with other_process():
        assert follow_once() == "updated 1"
    assert "kraamverzorging" not in slugs("kraamverzorging")
    assert lifecycle.current().size == 2


def test_a_rebuild_swaps_in_while_a_reader_searches(reader_only):
    old = generation_current()
    results: list[list[str]] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def searching() -> None:
        while not stop.is_set():
            try:
                results.append(slugs("kraamzorg"))
            except BaseException as e:  # noqa: BLE001 - any failure of a search during the swap is the bug
                errors.append(e)

    thread = threading.Thread(target=searching)
    thread.start()
    try:
        with other_process():
            assert follow_once(rebuild=True) == "rebuilt"
        time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert errors == []
    assert results and all(r and r[0] == "kraamzorg" for r in results)
    new = generation_current()
    assert new.path != old.path
    assert lifecycle.current().path == new.path / "tantivy"  # the reader switched on its next check


def test_readers_keep_searching_while_the_writer_lock_is_held(reader_only):
    Role.objects.filter(slug="jgz").update(name="Babbelbox")
    services.map_records_changed(user=None, objects=[Role.objects.get(slug="jgz")])
    reader_only.SEARCH_BUILD_IN_PROCESS = True  # even a process that would write does not wait for the lock
    with lifecycle.writer_lock(lifecycle.index_root(), blocking=True):
        started = time.perf_counter()
        assert slugs("kraamzorg")[0] == "kraamzorg"
        assert time.perf_counter() - started < 2
        assert slugs("babbelbox") == []  # the indexer (holding the lock) has not applied it yet
    assert slugs("babbelbox") == ["jgz"]  # lock free again: this process did the step itself


def test_without_an_index_on_disk_a_process_builds_it_itself(small_map, settings):
    assert generation_current() is None
    assert slugs("kraamzorg")[0] == "kraamzorg"  # built in-process (SEARCH_BUILD_IN_PROCESS)
    generation = generation_current()
    assert generation is not None
    assert (generation.path / "tantivy" / "meta.json").is_file()
    assert generation.state["counter"] == changes.counter_read().value


def test_a_reader_without_an_index_and_a_busy_writer_serves_empty_results(small_map, settings):
    settings.SEARCH_WAIT_SECONDS = 0.2
    with lifecycle.writer_lock(lifecycle.index_root(), blocking=True):
        assert search("kraamzorg") == []  # no traceback, no hang: the indexer is still building
    assert slugs("kraamzorg")[0] == "kraamzorg"  # looked again on the next search


def test_a_full_change_or_a_gap_in_the_log_rebuilds_aside(reader_only):
    first = generation_current()
    changes.changes_record_all()
    with other_process():
        assert follow_once() == "rebuilt"
    second = generation_current()
    assert second.path != first.path
    services.map_records_changed(user=None, objects=[Role.objects.get(slug="jgz")])
    RecordChange.objects.all().delete()  # pruned past this index: it cannot know what changed
    with other_process():
        assert follow_once() == "rebuilt"


def test_another_database_is_never_taken_for_current(reader_only):
    ChangeCounter.objects.filter(pk=1).update(epoch="00000000-0000-0000-0000-000000000001")
    with other_process():
        assert follow_once() == "rebuilt"


# ---------------------------------------------------------------- every write path bumps the counter


def bumped(action) -> list[tuple[str, str | None]]:
    before = changes.counter_read().value
    action()
    after = changes.counter_read().value
    assert after == before + 1
    return [(k, r) for _s, k, r in changes.changes_since(before, limit=1000)]


def test_content_load_and_hsds_import_log_the_whole_map(loaded_map):
    assert bumped(lambda: content.load(replace=True)) == [("all", None)]
    document = hsds.export_tables()
    assert bumped(lambda: services.map_import_hsds(document=document)) == [("all", None)]


def test_mark_assured_logs_the_record(loaded_map):
    role = Role.objects.get(slug="jgz")
    assert bumped(lambda: services.record_mark_assured(slug="jgz")) == [("role", str(role.pk))]


def test_a_taxonomy_term_or_a_wijk_logs_the_records_that_carry_it(loaded_map):
    term = TaxonomyTerm.objects.filter(taxonomy="wet").first()
    carriers = {str(pk) for model in (Role, Service) for pk in model.objects.filter(terms=term)
                .values_list("pk", flat=True)}
    assert carriers
    logged = bumped(lambda: services.map_records_changed(user=None, objects=[term]))
    assert carriers <= {r for _k, r in logged}
    wijk = Wijk.objects.get(slug="overvecht")
    logged = bumped(lambda: services.map_records_changed(user=None, objects=[wijk]))
    assert ("wijk", str(wijk.pk)) in logged and len(logged) > 1


def _form_data(response) -> dict:
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        else:
            data[name] = value
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
    return data


def test_admin_save_delete_and_action_log_through_the_service(admin_client, loaded_map, admin_user):
    role = Role.objects.get(slug="jgz")
    url = reverse("admin:socialmap_role_change", args=[role.pk])
    data = _form_data(admin_client.get(url))
    data.update(links="[]", sources='["Wegwijzer Bijlage 1"]', summary="Nieuwe samenvatting.")
    assert bumped(lambda: admin_client.post(url, data)) == [("role", str(role.pk))]
    assert RecordChange.objects.order_by("-seq").first().changed_by == admin_user
    changelist = reverse("admin:socialmap_role_changelist")
    action = {"action": "mark_checked_today", "_selected_action": [str(role.pk)]}
    assert bumped(lambda: admin_client.post(changelist, action)) == [("role", str(role.pk))]
    service = Service.objects.order_by("slug").first()
    delete_url = reverse("admin:socialmap_service_delete", args=[service.pk])
    assert bumped(lambda: admin_client.post(delete_url, {"post": "yes"})) == [("service", str(service.pk))]
    assert not Service.objects.filter(pk=service.pk).exists()


def test_a_rolled_back_edit_rolls_its_bump_back(small_map):
    from django.db import transaction

    before = changes.counter_read().value
    with contextlib.suppress(RuntimeError), transaction.atomic():
        services.map_records_changed(user=None, objects=[Role.objects.get(slug="jgz")])
        raise RuntimeError("the edit fails")
    assert changes.counter_read().value == before
    assert changes.changes_since(before, limit=10) == []


# ---------------------------------------------------------------- the command


def test_search_index_command_once_status_and_rebuild(small_map):
    out = io.StringIO()
    call_command("search_index", stdout=out)
    assert "rebuilt" in out.getvalue()
    out = io.StringIO()
    call_command("search_index", "--status", "--json", stdout=out)
    status = json.loads(out.getvalue())
    assert status["lag"] == 0 and status["documents"] == 3 and status["indexer_running"] is False
    services.map_records_changed(user=None, objects=[Role.objects.get(slug="jgz")])
    out = io.StringIO()
    call_command("search_index", "--status", stdout=out)
    assert "Achterstand: 1 wijziging(en)" in out.getvalue()
    out = io.StringIO()
    call_command("search_index", "--rebuild", stdout=out)
    assert "opnieuw opgebouwd" in out.getvalue()
    with lifecycle.writer_lock(lifecycle.index_root(), blocking=True):  # an indexer runs: it is asked instead
        before = changes.counter_read().value
        out = io.StringIO()
        call_command("search_index", "--rebuild", stdout=out)
        assert "De indexer draait" in out.getvalue()
        assert changes.changes_since(before, limit=10)[0][1] == "all"


@pytest.mark.parametrize("nice", [10, 0])
def test_follow_loop_applies_an_edit_and_stops(small_map, monkeypatch, nice):
    niced: list[int] = []
    monkeypatch.setattr(lifecycle.os, "nice", niced.append)  # the test process keeps its priority
    small_map.SEARCH_INDEXER_NICE = nice
    stop = threading.Event()
    follow_once()
    Role.objects.filter(slug="jgz").update(name="Babbelbox")
    services.map_records_changed(user=None, objects=[Role.objects.get(slug="jgz")])
    lines: list[str] = []

    def log(line: str) -> None:
        lines.append(line)
        if "bijgewerkt" in line:
            stop.set()

    small_map.SEARCH_FOLLOW_SECONDS = 0.01
    lifecycle.follow(stop=stop, log=log)  # returns once the edit was applied
    assert any("updated 1" in line for line in lines)
    assert slugs("babbelbox") == ["jgz"]
    assert niced == ([nice] if nice else [])  # the indexer yields the CPU to searches, once, unless set to 0


def test_searches_keep_serving_the_last_index_when_the_database_is_away(small_map, monkeypatch):
    from django.db import OperationalError

    assert slugs("kraamzorg")[0] == "kraamzorg"  # index on disk

    def away():
        raise OperationalError("connection refused")

    monkeypatch.setattr(changes, "counter_read", away)
    assert slugs("kraamzorg")[0] == "kraamzorg"


@pytest.mark.parametrize("freeze", [True, False])
def test_opening_an_index_leaves_the_heap_out_of_full_collections(reader_only, freeze):
    """SEARCH_GC_FREEZE: when a web worker opens the index, the process's objects, the index's among them, go to
    the permanent generation (a full collection no longer walks them); the next open unfreezes, collects and
    freezes again."""
    import gc

    gc.unfreeze()
    reader_only.SEARCH_GC_FREEZE = freeze
    try:
        assert slugs("kraamzorg")[0] == "kraamzorg"  # the first search opens the index
        frozen = gc.get_freeze_count()
        assert (frozen > 1000) if freeze else frozen == 0
    finally:
        gc.unfreeze()
