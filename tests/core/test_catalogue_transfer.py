"""The catalogue as a file: exported, imported (dry run first), checked before anything is
written, never deleting, bumping the cache versions a change concerns; and the LeiKa key."""

import json
import os
import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from amtstermin.core import catalogue_transfer
from amtstermin.core.models import (
    Department,
    Document,
    Location,
    RequestKind,
    Service,
    ServiceDocument,
)
from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def town():
    """Two locations, two departments, services of every mode with translations, documents
    with both quantity rules, and an inactive service."""
    centre = factories.location(slug="mitte", name="Bürgerbüro Mitte")
    north = factories.location(slug="nord", name="Bürgerbüro Nord")
    registry = factories.department(
        slug="einwohnermeldewesen", name_de="Einwohnermeldewesen", name_en="Residents", position=1
    )
    county = factories.department(slug="kreis", name_de="Kreis", position=2)
    id_card = factories.service(
        slug="personalausweis",
        department=registry,
        name_de="Personalausweis",
        name_en="Identity card",
        name_tr="Kimlik kartı",
        description_de="Neuer Ausweis.",
        fee_note_de="22,80 € unter 24 Jahren",
        fee=Decimal("46.00"),
        leika_key="99102013104000",
        legal_basis="PAuswG",
        synonyms="Perso, Ausweis",
        position=1,
        locations=[centre, north],
        documents=[("Passfoto", "per_unit"), ("Geburtsurkunde", "once")],
    )
    Document.objects.filter(name_de="Passfoto").update(
        name_en="Photo", note_de="nicht älter als sechs Monate"
    )
    factories.service(
        slug="anmeldung",
        department=registry,
        name_de="Anmeldung",
        position=2,
        locations=[centre],
        documents=[("Wohnungsgeberbestätigung", "once"), ("Passfoto", "per_unit")],
    )
    factories.service(
        slug="melderegisterauskunft",
        department=registry,
        name_de="Melderegisterauskunft",
        mode=Service.Mode.ONLINE_REQUEST,
        request_kind=RequestKind.MELDEREGISTERAUSKUNFT,
        position=3,
    )
    factories.service(
        slug="kfz",
        department=county,
        name_de="Kfz-Zulassung",
        mode=Service.Mode.EXTERNAL_LINK,
        external_url="https://kreis.example.org/kfz",
    )
    factories.service(slug="alt", department=registry, name_de="Alter Dienst", active=False)
    return {"centre": centre, "north": north, "id_card": id_card}


def exported(tmp_path, name="catalogue.json") -> Path:
    path = tmp_path / name
    call_command("catalogue", "export", str(path))
    return path


def importing(path: Path, *options: str) -> str:
    out = StringIO()
    call_command("catalogue", "import", str(path), *options, stdout=out)
    return out.getvalue()


def edited(path: Path, change) -> Path:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def service_in(data: dict, slug: str) -> dict:
    return next(entry for entry in data["services"] if entry["slug"] == slug)


def versions() -> dict[str, int]:
    return dict(Location.objects.values_list("slug", "version"))


# The LeiKa key ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["", "99102013104000"])
def test_leika_key_may_be_empty_or_fourteen_digits(key):
    factories.service(leika_key=key).full_clean()


@pytest.mark.parametrize(
    "key",
    [
        "9910201310400",  # 13
        "991020131040001",  # 15
        "99102013 04000",
        "9910201310400a",
        "٩٩١٠٢٠١٣١٠٤٠٠٠",  # Arabic-Indic digits pass str.isdigit()
        "99102013104000\n",
    ],
)
def test_leika_key_of_any_other_shape_is_refused_with_a_clear_message(key):
    service = factories.service(leika_key=key)

    with pytest.raises(ValidationError) as refused:
        service.full_clean()

    [message] = refused.value.message_dict["leika_key"]
    assert message.startswith("Ein LeiKa-Schlüssel hat genau 14 Ziffern")


# Export and import ------------------------------------------------------------------------------


def test_export_holds_every_part_of_the_catalogue(town, tmp_path):
    data = json.loads(exported(tmp_path).read_text(encoding="utf-8"))

    assert (data["format"], data["version"]) == ("amtstermin-catalogue", 1)
    assert data["locations"] == ["mitte", "nord"]
    id_card = service_in(data, "personalausweis")
    assert id_card["name"] == {"de": "Personalausweis", "en": "Identity card", "tr": "Kimlik kartı"}
    assert id_card["fee"] == "46.00" and id_card["leika_key"] == "99102013104000"
    assert id_card["offered_at"] == ["mitte", "nord"]
    assert id_card["documents"] == [
        {"document": "Passfoto", "rule": "per_unit", "position": 0},
        {"document": "Geburtsurkunde", "rule": "once", "position": 1},
    ]
    assert service_in(data, "melderegisterauskunft")["request_kind"] == "melderegisterauskunft"
    assert service_in(data, "alt")["active"] is False
    photo = next(entry for entry in data["documents"] if entry["name"]["de"] == "Passfoto")
    assert photo == {
        "name": {"de": "Passfoto", "en": "Photo"},
        "note": {"de": "nicht älter als sechs Monate"},
    }


def test_export_to_stdout_is_the_same_file(town, tmp_path):
    out = StringIO()
    call_command("catalogue", "export", "-", stdout=out)

    assert json.loads(out.getvalue()) == json.loads(exported(tmp_path).read_text("utf-8"))


def test_importing_an_export_of_the_same_database_changes_nothing(town, tmp_path):
    path = exported(tmp_path)
    before = versions()

    with CaptureQueriesContext(connection) as queries:
        output = importing(path)

    assert "Dienstleistungen: 0 neu, 0 geändert, 5 unverändert" in output
    assert "Der Katalog war schon aktuell; nichts wurde geschrieben." in output
    writes = [query["sql"] for query in queries if query["sql"].startswith(WRITES)]
    assert writes == []
    assert versions() == before
    assert json.loads(exported(tmp_path, "again.json").read_text("utf-8")) == json.loads(
        path.read_text("utf-8")
    )


def test_import_into_a_database_without_the_catalogue_reproduces_it(town, tmp_path):
    path = exported(tmp_path)
    # Another database: the same locations, no catalogue.
    ServiceDocument.objects.all().delete()
    Service.objects.all().delete()
    Document.objects.all().delete()
    Department.objects.all().delete()

    output = importing(path)

    assert "Dienstleistungen: 5 neu, 0 geändert, 0 unverändert" in output
    assert "Dokumente: 3 neu" in output
    assert json.loads(exported(tmp_path, "again.json").read_text("utf-8")) == json.loads(
        path.read_text("utf-8")
    )
    id_card = Service.objects.get(slug="personalausweis")
    assert id_card.name_tr == "Kimlik kartı"
    assert [rule.count_for(3) for rule in id_card.document_rules.all()] == [3, 1]


def test_dry_run_shows_what_would_change_and_writes_nothing(town, tmp_path):
    def change(data):
        service_in(data, "personalausweis")["fee"] = "37.00"
        service_in(data, "personalausweis")["name"]["en"] = "ID card"
        service_in(data, "anmeldung")["documents"].pop()
        new = dict(service_in(data, "anmeldung"), slug="ummeldung", documents=[])
        new["name"] = {"de": "Ummeldung"}
        data["services"].append(new)

    path = edited(exported(tmp_path), change)
    before = versions()

    output = importing(path, "--dry-run")

    assert "Dienstleistungen: 1 neu, 2 geändert, 3 unverändert" in output
    assert "  + ummeldung" in output
    assert "  ~ personalausweis: name_en, fee" in output
    assert "  ~ anmeldung: documents" in output
    assert "Probelauf: nichts wurde geschrieben." in output
    assert not Service.objects.filter(slug="ummeldung").exists()
    assert Service.objects.get(slug="personalausweis").fee == Decimal("46.00")
    assert Service.objects.get(slug="anmeldung").document_rules.count() == 2
    assert versions() == before


def test_import_writes_the_changes_and_bumps_the_locations_they_concern(town, tmp_path):
    path = exported(tmp_path)
    before = versions()

    # Anmeldung, offered at the centre only, needs one document less.
    importing(edited(path, lambda data: service_in(data, "anmeldung")["documents"].pop()))
    after_documents = versions()
    # Personalausweis, offered at both, costs less.
    importing(edited(path, lambda data: service_in(data, "personalausweis").update(fee="37.00")))

    assert after_documents == {"mitte": before["mitte"] + 1, "nord": before["nord"]}
    assert versions() == {"mitte": before["mitte"] + 2, "nord": before["nord"] + 1}
    assert Service.objects.get(slug="personalausweis").fee == Decimal("37.00")
    kept = ServiceDocument.objects.filter(service__slug="anmeldung")
    assert [rule.document.name_de for rule in kept] == ["Wohnungsgeberbestätigung"]


def test_import_creates_a_department_and_moves_a_service_into_it(town, tmp_path):
    def change(data):
        data["departments"].append(
            {"slug": "strassenverkehr", "name": {"de": "Straßenverkehr"}, "position": 3}
        )
        service_in(data, "kfz")["department"] = "strassenverkehr"

    output = importing(edited(exported(tmp_path), change))

    assert "  + strassenverkehr" in output and "  ~ kfz: department" in output
    assert Service.objects.get(slug="kfz").department.name_de == "Straßenverkehr"


def test_import_refuses_to_guess_between_two_documents_of_one_german_name(town, tmp_path):
    path = exported(tmp_path)
    Document.objects.create(name_de="Passfoto")

    with pytest.raises(CommandError, match="documents Passfoto: 2 Dokumente in dieser Datenbank"):
        importing(path, "--dry-run")


def test_import_moves_offers_between_locations_and_bumps_both(town, tmp_path):
    def change(data):
        service_in(data, "anmeldung")["offered_at"] = ["nord"]

    path = edited(exported(tmp_path), change)
    before = versions()

    output = importing(path)

    assert "  ~ anmeldung: offered_at" in output
    offering = Location.objects.filter(services__slug="anmeldung")
    assert list(offering.values_list("slug", flat=True)) == ["nord"]
    assert all(versions()[slug] > before[slug] for slug in ("mitte", "nord"))


def test_offers_at_locations_missing_here_are_reported_not_created(town, tmp_path):
    def change(data):
        data["locations"].append("sued")
        service_in(data, "anmeldung")["offered_at"].append("sued")

    path = edited(exported(tmp_path), change)

    output = importing(path)

    assert "anmeldung → sued" in output
    assert not Location.objects.filter(slug="sued").exists()
    assert "Dienstleistungen: 0 neu, 0 geändert, 5 unverändert" in output


def test_locations_the_file_does_not_know_keep_their_offers(town, tmp_path):
    path = exported(tmp_path)
    south = factories.location(slug="sued")
    town["id_card"].locations.add(south)

    output = importing(path)

    assert "Standorte, die die Datei nicht nennt (ihre Angebote bleiben): sued" in output
    assert town["id_card"].locations.filter(slug="sued").exists()


def test_rows_missing_from_the_file_are_reported_and_kept(town, tmp_path):
    def change(data):
        data["services"] = [entry for entry in data["services"] if entry["slug"] != "kfz"]
        data["departments"] = [entry for entry in data["departments"] if entry["slug"] != "kreis"]

    path = edited(exported(tmp_path), change)

    output = importing(path)

    assert "In der Datenbank, aber nicht in der Datei (bleiben erhalten):" in output
    assert "  Fachbereiche: kreis" in output
    assert "  Dienstleistungen: kfz" in output
    assert Service.objects.filter(slug="kfz").exists()


# A bad file ---------------------------------------------------------------------------------------


def test_bad_file_lists_every_problem_and_writes_nothing(town, tmp_path):
    def change(data):
        id_card = service_in(data, "personalausweis")
        id_card["leika_key"] = "99 102"
        id_card["fee"] = "viel"
        id_card["duration_minutes"] = -5
        id_card["colour"] = "blue"
        anmeldung = service_in(data, "anmeldung")
        anmeldung["request_kind"] = "steuer_id"  # an online form for a service with a visit
        anmeldung["department"] = "standesamt"
        anmeldung["documents"].append({"document": "Reisepass", "rule": "twice", "position": 3})
        data["departments"][0]["name"]["en"] = "Residents\x00"

    path = edited(exported(tmp_path), change)

    with pytest.raises(CommandError) as refused:
        importing(path)

    message = str(refused.value)
    assert message.startswith("Nichts wurde geschrieben.")
    for problem in [
        "services[1].fee: ",
        "services[1].duration_minutes: ",
        "services[1]: unbekannte Felder: colour",
        "„standesamt“",
        "„Reisepass“",
        "„twice“",
        "departments[0].name.en: ",
    ]:
        assert problem in message


def test_rules_of_the_models_are_checked_before_anything_is_written(town, tmp_path):
    def change(data):
        service_in(data, "kfz")["name"]["en"] = "Cars"  # would be written first
        service_in(data, "personalausweis")["leika_key"] = "99 102"
        service_in(data, "anmeldung")["request_kind"] = "steuer_id"

    path = edited(exported(tmp_path), change)

    with pytest.raises(CommandError) as refused:
        importing(path)

    message = str(refused.value)
    assert "services personalausweis.leika_key: Ein LeiKa-Schlüssel hat genau 14 Ziffern" in message
    assert "services anmeldung: " in message
    assert Service.objects.get(slug="kfz").name_en in ("", None)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"{", "kein gültiges JSON"),
        (b"\xff\xfe\x00", "kein gültiges JSON"),
        (b"[" * 100_000, "kein gültiges JSON"),
        (b"[]", "keine Amtstermin-Katalogdatei"),
        (b'{"format": "amtstermin-catalogue", "version": 2}', "Version 2"),
        (b" " * (catalogue_transfer.MAX_BYTES + 1), "größer als 20 MB"),
    ],
)
def test_a_file_that_is_no_catalogue_is_refused_clearly(tmp_path, content, said):
    path = tmp_path / "bad.json"
    path.write_bytes(content)

    with pytest.raises(CommandError, match=said):
        importing(path)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="kann nicht gelesen werden"):
        importing(tmp_path / "missing.json")


def test_export_refuses_two_documents_with_one_german_name(town, tmp_path):
    Document.objects.create(name_de="Passfoto")

    with pytest.raises(CommandError, match="2 Dokumente heißen „Passfoto“"):
        exported(tmp_path)


def test_command_exits_non_zero_without_a_traceback(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "SECRET_KEY": "test-only",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "LANGUAGE": "de",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "catalogue", "import", str(bad)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "JSON" in result.stderr
