"""Waiting times as dated data (issue 10, items 1–3): the monthly CSV import (all or nothing), the HSDS fields
and history, the service page, search results, the route advice, staleness, contracts and the zorgplicht."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.socialmap.models import Funding, Service, Taxonomy, TaxonomyTerm, WaitTime
from wegwijzer.socialmap.selectors import service_current_wait_time
from wegwijzer.socialmap.wait_times import WHILE_WAITING_DEFAULT, describe, parse_wait_time_csv

HEADER = "service,weeks,measured_on,source\n"


def _today() -> dt.date:
    return timezone.localdate()


def _write(tmp_path: Path, body: str, name: str = "wachttijden.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def _import(path: Path) -> tuple[str, str, int]:
    """(stdout, stderr plus the command's error message, exit status)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import", "wachttijden", str(path), stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue() + str(exc), exc.returncode
    return out.getvalue(), err.getvalue(), 0


# ---------------------------------------------------------------- the CSV import


def test_one_bad_row_refuses_the_whole_file_and_names_that_row(tmp_path, loaded_map):
    day = (_today() - dt.timedelta(days=3)).isoformat()
    path = _write(tmp_path, f"verlengde-kraamzorg,6,{day},Kraamzorg Utrecht\n"
                            f"video-hometraining,zes,{day},JGZ\n")
    out, err, code = _import(path)
    assert code == 1
    assert "Regel 3, veld weeks" in err and "'zes' is geen heel aantal weken" in err
    assert "Regel 2" not in err  # the good row is not blamed
    assert "de database is niet gewijzigd" in err
    assert WaitTime.objects.count() == 0 and AccessLogEntry.objects.filter(object_type="wait_time").count() == 0


@pytest.mark.parametrize(("row", "expected"), [
    ("onbekend-aanbod,4,{day},x", "Regel 2, veld service: onbekend aanbod 'onbekend-aanbod'"),
    ("verlengde-kraamzorg,-1,{day},x", "Regel 2, veld weeks: Het aantal weken kan niet negatief zijn."),
    ("verlengde-kraamzorg,2.5,{day},x", "Regel 2, veld weeks: '2.5' is geen heel aantal weken"),
    ("verlengde-kraamzorg,9999,{day},x", "Regel 2, veld weeks: Meer dan 520 weken"),
    ("verlengde-kraamzorg,4,{future},x", "Regel 2, veld measured_on: De peildatum {future} ligt in de toekomst."),
    ("verlengde-kraamzorg,4,2026-02-30,x", "Regel 2, veld measured_on: '2026-02-30' is geen bestaande datum"),
    ("verlengde-kraamzorg,4,01-11-2026,x", "Regel 2, veld measured_on: '01-11-2026' is geen bestaande datum"),
    ("verlengde-kraamzorg,4,,x", "Regel 2, veld measured_on: Vul de peildatum in"),
    ("verlengde-kraamzorg,4", "Regel 2: verwacht 4 velden"),
])
def test_each_kind_of_bad_row_is_named_with_line_and_field(tmp_path, loaded_map, row, expected):
    day = (_today() - dt.timedelta(days=1)).isoformat()
    future = (_today() + dt.timedelta(days=1)).isoformat()
    path = _write(tmp_path, row.format(day=day, future=future) + "\n")
    _out, err, code = _import(path)
    assert code == 1 and expected.format(future=future) in err
    assert WaitTime.objects.count() == 0


def test_duplicate_rows_in_the_file_and_against_the_database(tmp_path, loaded_map):
    day = (_today() - dt.timedelta(days=2)).isoformat()
    service = Service.objects.get(slug="verlengde-kraamzorg")
    path = _write(tmp_path, f"verlengde-kraamzorg,4,{day},a\n{service.pk},5,{day},b\n")
    _out, err, code = _import(path)
    assert code == 1 and "Regel 3: dubbele regel" in err and "staat al op regel 2" in err

    WaitTime.objects.create(service=service, weeks=4, measured_on=dt.date.fromisoformat(day))
    path = _write(tmp_path, f"verlengde-kraamzorg,4,{day},a\n")
    _out, err, code = _import(path)
    assert code == 1 and "Regel 2: dubbele regel" in err and "al vastgelegd" in err
    assert WaitTime.objects.count() == 1


def test_wrong_header_empty_file_and_not_utf8(tmp_path, loaded_map):
    path = tmp_path / "a.csv"
    path.write_text("dienst,weken,datum,bron\nverlengde-kraamzorg,4,2026-11-01,x\n", encoding="utf-8")
    _out, err, code = _import(path)
    assert code == 1 and "Regel 1: de kopregel moet precies service,weeks,measured_on,source zijn" in err
    path.write_text(HEADER, encoding="utf-8")
    _out, err, code = _import(path)
    assert code == 1 and "alleen de kopregel" in err
    path.write_bytes(HEADER.encode() + "verlengde-kraamzorg,4,2026-11-01,Zuid\xe9\n".encode("latin-1"))
    _out, err, code = _import(path)
    assert code == 1 and "geen UTF-8" in err
    _out, err, code = _import(tmp_path / "bestaat-niet.csv")
    assert code == 1 and "Kan " in err and "niet lezen" in err
    assert WaitTime.objects.count() == 0


def test_good_file_is_stored_with_history_and_audit_rows(tmp_path, loaded_map):
    older, newer = _today() - dt.timedelta(days=40), _today() - dt.timedelta(days=5)
    service = Service.objects.get(slug="verlengde-kraamzorg")
    path = _write(tmp_path, f"verlengde-kraamzorg,9,{older.isoformat()},Kraamzorg Utrecht\n"
                            f"{service.pk},6,{newer.isoformat()},\n"
                            f"video-hometraining,0,{newer.isoformat()},JGZ Utrecht\n\n")
    out, err, code = _import(path)
    assert code == 0, err
    assert "3 wachttijd/wachttijden opgeslagen" in out
    rows = list(WaitTime.objects.filter(service=service))
    assert [(r.weeks, r.measured_on) for r in rows] == [(6, newer), (9, older)]  # newest first
    assert rows[0].source == "Import wachttijden.csv"  # an empty source names the file
    current = service_current_wait_time(service.pk)
    assert current is not None and (current.weeks, current.measured_on, current.stale) == (6, newer, False)
    assert AccessLogEntry.objects.filter(object_type="wait_time", action="create").count() == 3


def test_describe_is_the_hsds_text():
    assert describe(6, dt.date(2026, 11, 1)) == "ongeveer 6 weken (peildatum 1 november 2026)"
    assert describe(1, dt.date(2026, 3, 9)) == "ongeveer 1 week (peildatum 9 maart 2026)"
    assert describe(0, dt.date(2026, 3, 9)) == "geen wachttijd (peildatum 9 maart 2026)"


def test_parse_is_pure_with_respect_to_today(loaded_map):
    rows, problems = parse_wait_time_csv(HEADER + "verlengde-kraamzorg,3,2026-11-01,x\n", today=dt.date(2026, 10, 31))
    assert rows == [] and problems == ["Regel 2, veld measured_on: De peildatum 2026-11-01 ligt in de toekomst."]


# ---------------------------------------------------------------- where it shows


@pytest.fixture
def with_wait_time(loaded_map):
    service = Service.objects.get(slug="verlengde-kraamzorg")
    day = _today() - dt.timedelta(days=10)
    WaitTime.objects.create(service=service, weeks=14, measured_on=day - dt.timedelta(days=60), source="oud")
    WaitTime.objects.create(service=service, weeks=6, measured_on=day, source="Kraamzorg Utrecht")
    return service, day


def _date_nl(day: dt.date) -> str:
    from wegwijzer.socialmap.wait_times import date_nl

    return date_nl(day)


def test_hsds_service_has_wait_time_text_and_extension_fields(client, with_wait_time):
    service, day = with_wait_time
    body = client.get(f"/api/v1/services/{service.pk}").json()
    assert body["wait_time"] == f"ongeveer 6 weken (peildatum {_date_nl(day)})"
    assert body["wait_time_weeks"] == 6
    assert body["wait_time_measured_on"] == day.isoformat()
    assert body["wait_time_stale"] is False
    other = client.get("/api/v1/services/video-hometraining").json()
    assert not {"wait_time", "wait_time_weeks", "wait_time_measured_on", "wait_time_stale"} & set(other)
    listed = {s["slug"]: s for s in client.get("/api/v1/services").json()["contents"]}
    assert listed["verlengde-kraamzorg"]["wait_time_weeks"] == 6


def test_history_endpoint_is_newest_first(client, with_wait_time):
    service, day = with_wait_time
    response = client.get(f"/api/v1/services/{service.slug}/wait-times")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert body["service_id"] == str(service.pk) and body["total_items"] == 2
    assert [(r["weeks"], r["measured_on"]) for r in body["contents"]] == [
        (6, day.isoformat()), (14, (day - dt.timedelta(days=60)).isoformat())]
    assert body["contents"][1]["stale"] is True and body["contents"][1]["source"] == "oud"
    missing = client.get("/api/v1/services/bestaat-niet/wait-times")
    assert missing.status_code == 404 and "bestaat niet" in missing.json()["detail"]


def test_service_page_shows_the_figure_with_its_date_and_history(client, with_wait_time):
    service, day = with_wait_time
    body = client.get("/kaart/verlengde-kraamzorg/").content.decode()
    assert f'ongeveer 6 weken (peildatum <time datetime="{day.isoformat()}">{_date_nl(day)}</time>)' in body
    assert 'id="ww-h-wait-history"' in body and "ongeveer 14 weken" in body
    wait = body.split('ww-wait">')[1].split("</dd>")[0]
    assert "verouderd" not in wait
    unknown = client.get("/kaart/video-hometraining/").content.decode()
    assert 'ww-wait"><span class="ww-unknown">onbekend</span>' in unknown


def test_search_results_show_the_waiting_time(client, with_wait_time):
    _service, day = with_wait_time
    body = client.get("/kaart/zoeken/", {"q": "kraamzorg extra uren"}).content.decode()
    result = body.split("Extra uren (verlengde) kraamzorg")[1].split("</li>")[0]
    assert "Wachttijd:" in result and "ongeveer 6 weken" in result and day.isoformat() in result


def test_stale_figure_is_marked_everywhere(client, with_wait_time, settings):
    service, day = with_wait_time
    settings.WAIT_TIME_STALE_DAYS = 5  # the figure is 10 days old
    assert client.get(f"/api/v1/services/{service.pk}").json()["wait_time_stale"] is True
    page = client.get("/kaart/verlengde-kraamzorg/").content.decode()
    assert "verouderd</strong>" in page.split('ww-wait">')[1].split("</dd>")[0]
    results = client.get("/kaart/zoeken/", {"q": "kraamzorg extra uren"}).content.decode()
    assert "ww-wait-time--stale" in results
    settings.WAIT_TIME_STALE_DAYS = 31
    assert client.get(f"/api/v1/services/{service.pk}").json()["wait_time_stale"] is False


def test_the_hsds_record_with_wait_time_and_funding_is_valid(client, with_wait_time):
    from socialmap.test_hsds_conformance import (
        check,  # the official HSDS 3.0 schema, as used by the conformance tests
    )

    service, _day = with_wait_time
    law = TaxonomyTerm.objects.get(taxonomy=Taxonomy.LAW, code="zvw")
    Funding.objects.create(service=service, law=law, start_date=dt.date(2026, 1, 1), source="test")
    body = client.get(f"/api/v1/services/{service.pk}").json()
    assert body["funding"][0]["law"] == "zvw" and "gecontracteerd door de gemeente Utrecht" in body["funding"][0]["source"]
    check("service", body, "service")


# ---------------------------------------------------------------- contracts, norm and zorgplicht


@pytest.fixture
def contracted(with_wait_time):
    service, day = with_wait_time
    law = TaxonomyTerm.objects.get(taxonomy=Taxonomy.LAW, code="zvw")
    other = Service.objects.get(slug="video-hometraining")
    shared = TaxonomyTerm.objects.get(taxonomy=Taxonomy.CONCERN, code="huilbaby")
    service.terms.add(shared)
    Funding.objects.create(service=service, law=law, start_date=_today() - dt.timedelta(days=100))
    Funding.objects.create(organization=other.organizations.get(), law=law)  # contracted through its provider
    WaitTime.objects.create(service=other, weeks=2, measured_on=day)
    return service, other


def test_over_the_norm_the_page_names_other_contracted_services_and_the_zorgplicht(client, contracted, settings):
    settings.WAIT_TIME_NORM_WEEKS = 4
    body = client.get("/kaart/verlengde-kraamzorg/").content.decode()
    section = body.split('id="ww-h-zorgplicht"')[1].split("</section>")[0]
    assert "norm van de gemeente (4 weken)" in section and "zorgplicht" in section
    assert 'href="/kaart/video-hometraining/">Kortdurende video-hometraining</a>: ' in section
    assert "ongeveer 2 weken" in section
    fundings = body.split('ww-fundings">')[1].split("</dd>")[0]
    assert "Zorgverzekeringswet (medisch)" in fundings and "vanaf" in fundings


def test_no_zorgplicht_without_a_norm_under_it_or_without_a_contract(client, contracted, settings):
    service, _other = contracted
    settings.WAIT_TIME_NORM_WEEKS = None  # the default: the city has set no norm
    assert 'id="ww-h-zorgplicht"' not in client.get("/kaart/verlengde-kraamzorg/").content.decode()
    settings.WAIT_TIME_NORM_WEEKS = 6  # 6 weeks is not more than the norm
    assert 'id="ww-h-zorgplicht"' not in client.get("/kaart/verlengde-kraamzorg/").content.decode()
    settings.WAIT_TIME_NORM_WEEKS = 2
    Funding.objects.filter(service=service).update(end_date=_today() - dt.timedelta(days=1), start_date=None)
    assert 'id="ww-h-zorgplicht"' not in client.get("/kaart/verlengde-kraamzorg/").content.decode()


def test_unknown_contract_shows_unknown_and_while_waiting_has_a_default(client, loaded_map):
    body = client.get("/kaart/verlengde-kraamzorg/").content.decode()
    assert 'ww-fundings"><span class="ww-unknown">onbekend</span>' in body
    assert 'id="ww-h-while-waiting"' in body and WHILE_WAITING_DEFAULT in body
    Service.objects.filter(slug="verlengde-kraamzorg").update(while_waiting="Bel de kraamzorg voor tips.")
    body = client.get("/kaart/verlengde-kraamzorg/").content.decode()
    assert "Bel de kraamzorg voor tips." in body and WHILE_WAITING_DEFAULT not in body


def test_norm_setting_refuses_a_bad_value():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='wegwijzer.conf.settings'; "
         "django.setup()"],
        env={**__import__("os").environ, "WAIT_TIME_NORM_WEEKS": "zes"}, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0 and "WAIT_TIME_NORM_WEEKS moet leeg of een heel aantal weken zijn" in result.stderr


# ---------------------------------------------------------------- the wijk page (a bug fixed on the way)


def test_wijk_page_lists_other_organisations_in_the_wijk(client, loaded_map):
    from wegwijzer.socialmap.models import Location, Organization, Wijk

    Location.objects.create(organization=Organization.objects.get(slug="kraamzorg-utrecht"), name="Kantoor",
                            wijk=Wijk.objects.get(slug="overvecht"))
    body = client.get("/kaart/wijk/overvecht/").content.decode()
    local = body.split('id="ww-h-local"')[1].split("</section>")[0]
    assert 'href="/kaart/kraamzorg-utrecht/">Kraamzorg Utrecht</a>' in local


def test_the_selector_other_apps_use(with_wait_time):
    """The one selector other apps (the gezinsplan's referrals) call: by uuid, or None."""
    service, day = with_wait_time
    current = service_current_wait_time(service.pk)
    assert current is not None and current.text == describe(6, day)
    assert service_current_wait_time(str(service.pk)) == current
    assert service_current_wait_time(Service.objects.get(slug="video-hometraining").pk) is None


# ---------------------------------------------------------------- contracts from a CSV


def _import_contracts(path: Path) -> tuple[str, str, int]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import", "contracten", str(path), stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue() + str(exc), exc.returncode
    return out.getvalue(), err.getvalue(), 0


def test_contracts_import_is_all_or_nothing_and_shows_on_the_page(tmp_path, loaded_map, client):
    path = tmp_path / "contracten.csv"
    path.write_text("record,law,start_date,end_date,source\n"
                    "verlengde-kraamzorg,zvw,2026-01-01,2026-12-31,Inkoopbesluit (test)\n"
                    "jgz-utrecht,wet-op-niets,2026-01-01,,Inkoopbesluit (test)\n"
                    "kraamzorg-utrecht,zvw,2026-05-01,2026-04-01,\n", encoding="utf-8")
    _out, err, code = _import_contracts(path)
    assert code == 1 and "Regel 3, veld law: onbekende wet 'wet-op-niets'" in err
    assert "Regel 4, veld end_date: de einddatum ligt vóór de begindatum." in err
    assert "Regel 4, veld source: noem de bron" in err and "Regel 2" not in err
    assert Funding.objects.count() == 0

    path.write_text("record,law,start_date,end_date,source\n"
                    "verlengde-kraamzorg,zvw,2026-01-01,2026-12-31,Inkoopbesluit (test)\n"
                    "jgz-utrecht,wpg,,,Inkoopbesluit (test)\n", encoding="utf-8")
    out, err, code = _import_contracts(path)
    assert code == 0 and "2 contract(en) opgeslagen" in out, err
    assert Funding.objects.filter(service__slug="verlengde-kraamzorg", law__code="zvw").exists()
    assert Funding.objects.filter(organization__slug="jgz-utrecht", law__code="wpg").exists()
    assert AccessLogEntry.objects.filter(object_type="funding").count() == 2
    fundings = client.get("/kaart/verlengde-kraamzorg/").content.decode().split('ww-fundings">')[1].split("</dd>")[0]
    assert "Zorgverzekeringswet (medisch)" in fundings and "Inkoopbesluit (test)" in fundings


REPO_CONTENT = Path(__file__).resolve().parents[2] / "content"
ADVICE = "/route/advies/?phase=kraamperiode&weeks_since_birth=4&reporter=verloskundige&concerns=herstel-bevalling"


@pytest.fixture
def real_map_wait_time(db, settings):
    """The real content (the advice needs its rules and vocabulary) with a dated figure for verlengde kraamzorg."""
    from wegwijzer.socialmap import content

    settings.CONTENT_DIR = REPO_CONTENT
    content.load(replace=True)
    day = _today() - dt.timedelta(days=10)
    WaitTime.objects.create(service=Service.objects.get(slug="verlengde-kraamzorg"), weeks=6, measured_on=day,
                            source="Kraamzorg Utrecht")
    return day


def test_the_advice_shows_the_offer_with_its_waiting_time_and_date(client, real_map_wait_time, settings):
    day = real_map_wait_time
    body = client.get(ADVICE).content.decode()
    offer = body.split('href="/kaart/verlengde-kraamzorg/"')[1].split("</li>")[0]
    assert "ongeveer 6 weken" in offer and day.isoformat() in offer
    assert "ww-wait-time--stale" not in offer
    settings.WAIT_TIME_STALE_DAYS = 5  # the figure is 10 days old: the advice marks it too
    stale = client.get(ADVICE).content.decode().split('href="/kaart/verlengde-kraamzorg/"')[1].split("</li>")[0]
    assert "ww-wait-time--stale" in stale and "verouderd" in stale
