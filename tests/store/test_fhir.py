"""FHIR export: a patient with several sets gives a Bundle that fhir.resources validates, coded as the README says."""

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle

from store import fhir, repo
from store.fhir import FhirExportError, fhir_bundle, fhir_json
from tests.store.conftest import at, make_row

README = Path(__file__).resolve().parents[2] / "README.md"
CLINIC_ID = "MRN-00417"


@pytest.fixture
def alice_sets(db, people):
    a = people.a
    repo.save_session(db, a, a.id, make_row(reps=[(90, 165, []), (95, 160, ["too_fast"]), (88, 170, ["too_fast"])]),
                      started_at=at("2025-01-06"), pain_before=3, pain_after=2, symptom_response="centralising")
    repo.save_session(db, a, a.id, make_row("nerve_glide", reps=[(100, 150, ["thigh_drift"])]),
                      started_at=at("2025-01-07"), pain_before=4, pain_after=5, symptom_response="peripheralising")
    repo.save_session(db, a, a.id, make_row("cat_cow", reps=[(-10, 20, [])], coverage=0.8),
                      started_at=at("2025-01-08"), interrupted=True)
    repo.set_patient_details(db, people.t, a.id, clinic_patient_id=CLINIC_ID)
    return a


def _components(obs) -> dict[str, object]:
    return {c.code.coding[0].code: c for c in obs.component}


def test_bundle_of_several_sets_validates_and_carries_every_value(db, people, alice_sets):
    bundle = fhir_bundle(db, people.t, alice_sets.id, id_system="urn:oid:1.2.3.4", now=at("2025-02-01"))
    again = Bundle.model_validate_json(fhir_json(bundle))  # what a clinic receives parses as a valid Bundle
    assert again.type == "collection" and len(again.entry) == 3
    squat, glide, catcow = (e.resource for e in again.entry)
    assert {e.resource.__resource_type__ for e in again.entry} == {"Observation"}
    assert squat.subject.identifier.value == CLINIC_ID and squat.subject.identifier.system == "urn:oid:1.2.3.4"
    assert squat.subject.reference is None  # never the formcheck account
    assert [c.code for c in squat.code.coding] == ["exercise-set", "wall_squat"]
    assert squat.effectiveDateTime == datetime(2025, 1, 6, 9, tzinfo=UTC)
    c = _components(squat)
    assert (c["reps"].valueInteger, c["faulted-reps"].valueInteger, c["partial-reps"].valueInteger) == (3, 2, 0)
    assert (c["support_knee_deg.min"].valueQuantity.value, c["support_knee_deg.max"].valueQuantity.value) == (88, 170)
    assert c["support_knee_deg.min"].valueQuantity.code == "deg"
    assert c["support_knee_deg.min"].valueQuantity.system == "http://unitsofmeasure.org"
    assert c["too_fast"].valueInteger == 2 and c["too_fast"].code.coding[0].system == fhir.FAULT_SYSTEM
    assert (c["pain-before"].valueInteger, c["pain-after"].valueInteger) == (3, 2)
    assert c["symptom-response"].valueCodeableConcept.coding[0].code == "centralising"
    assert float(c["55411-3"].valueQuantity.value) == pytest.approx(10.0 / 60, abs=0.01)  # make_row: 10 s
    assert c["55411-3"].code.coding[0].system == "http://loinc.org"
    assert _components(glide)["symptom-response"].valueCodeableConcept.coding[0].code == "peripheralising"
    assert float(_components(catcow)["pose-coverage"].valueQuantity.value) == 80
    assert "pain-before" not in _components(catcow) and catcow.note  # unknown left out; the stop noted
    assert len({e.fullUrl for e in again.entry}) == 3


def test_since_limits_the_sets_and_a_reexport_keeps_entry_ids(db, people, alice_sets):
    first = fhir_bundle(db, people.t, alice_sets.id)
    later = fhir_bundle(db, people.t, alice_sets.id, since=at("2025-01-07", 0))
    assert [e.resource.identifier[0].value for e in later.entry] == [
        e.resource.identifier[0].value for e in first.entry][1:]
    assert [e.fullUrl for e in later.entry] == [e.fullUrl for e in first.entry][1:]


def test_no_clinic_identifier_no_export_and_only_their_therapist(db, people, alice_sets):
    with pytest.raises(FhirExportError, match="'carol' has no clinic identifier"):
        fhir_bundle(db, people.t, people.c.id)
    with pytest.raises(repo.PermissionDenied):
        fhir_bundle(db, people.t2, alice_sets.id)
    with pytest.raises(ValueError, match="already given to another patient"):
        repo.set_patient_details(db, people.t, people.c.id, clinic_patient_id=CLINIC_ID)
    with pytest.raises(repo.PermissionDenied):
        repo.set_patient_details(db, people.a, people.a.id, clinic_patient_id="X1")


def test_every_code_in_the_bundle_is_in_the_readme(db, people, alice_sets):
    readme = README.read_text()
    section = readme[readme.index("### FHIR export"):]
    data = json.loads(fhir_json(fhir_bundle(db, people.t, alice_sets.id)))
    codings = [c for e in data["entry"] for comp in e["resource"]["component"] for c in comp["code"]["coding"]]
    codings += [c for e in data["entry"] for c in e["resource"]["code"]["coding"]]
    for c in codings:
        code = c["code"]
        if c["system"] == fhir.OBSERVATION_SYSTEM and re.fullmatch(r"\w+_deg\.(min|max)", code):
            code = "<signal>.min"  # documented once for every angle signal
        if c["system"] in (fhir.FAULT_SYSTEM, fhir.EXERCISE_SYSTEM):
            code = c["system"]  # the exercise names and fault codes of `formcheck exercises`
        assert f"`{code}`" in section, code


def test_cli_sets_the_identifier_and_writes_a_valid_bundle(url, db, people, alice_sets, tmp_path, capsys):
    from cli.main import main

    assert main(["user", "clinic-id", "--patient", "carol", "--id", "MRN-9", "--time-zone", "Europe/Paris",
                 "--db", url]) == 0
    out = tmp_path / "alice.json"
    assert main(["export", "fhir", "--patient", "alice", "--since", "2025-01-07", "--id-system", "urn:oid:1.2",
                 "--out", str(out), "--db", url]) == 0
    bundle = Bundle.model_validate_json(out.read_text())
    assert len(bundle.entry) == 2 and bundle.entry[0].resource.subject.identifier.system == "urn:oid:1.2"
    assert main(["export", "fhir", "--patient", "bob", "--db", url]) == 1
    assert main(["user", "clinic-id", "--patient", "thera", "--id", "X", "--db", url]) == 1
    assert main(["user", "clinic-id", "--patient", "carol", "--time-zone", "Mars/Olympus", "--db", url]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-3:] == ["formcheck: patient 'bob' has no clinic identifier: a therapist sets it on the patient page "
                        "or with `formcheck user clinic-id`", "formcheck: no patient account 'thera'",
                        "formcheck: unknown time zone 'Mars/Olympus'; expected an IANA name such as 'America/Chicago'"]
    assert repo.patient_details(db, people.t, people.c.id).time_zone == "Europe/Paris"
    with pytest.raises(SystemExit):
        main(["export", "fhir", "--patient", "alice", "--since", "last week", "--db", url])
