"""A patient's sets as a FHIR R4 Bundle, built and validated with `fhir.resources`: one Observation per set.

fhir.resources 8 models FHIR R5 at its top level and R4B (4.3.0) in `fhir.resources.R4B`; it has no R4 (4.0.1)
package. R4B changed nothing in Bundle, Observation, Reference, Quantity or CodeableConcept against R4, so the
Bundle built and validated here with the R4B models is also valid R4 JSON.

The patient is referred to only by the identifier the clinic supplies (`User.clinic_patient_id`, under the
clinic's identifier system), never by the formcheck account. Every code used is listed in the README
("FHIR export"): LOINC only where a code fits and was named by the clinic's request (55411-3, exercise duration);
no LOINC table ships in any package installed here, so no other LOINC code (such as the knee range-of-motion
ones) is used. Everything else is in formcheck's own code systems (the `urn:formcheck:` systems below).
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select
from sqlalchemy.orm import Session

from exercises.registry import EXERCISES
from store.auth import Actor
from store.models import ExerciseSession, User, utc_now
from store.names import DEFAULT_ID_SYSTEM
from store.repo import SessionSummary, list_sessions

# Code systems. The clinic's own identifier system (DEFAULT_ID_SYSTEM) is in store.names.
OBSERVATION_SYSTEM = "urn:formcheck:observation"  # what a component measures (reps, pain-before, ...)
EXERCISE_SYSTEM = "urn:formcheck:exercise"  # the exercise names of exercises/registry.py
FAULT_SYSTEM = "urn:formcheck:fault"  # the fault codes of the exercise specs (`formcheck exercises`)
SYMPTOM_SYSTEM = "urn:formcheck:symptom-response"  # centralising / unchanged / peripheralising
SOURCE_SYSTEM = "urn:formcheck:source"  # live (camera in the app) / upload (a recorded clip)
SESSION_ID_SYSTEM = "urn:formcheck:session"  # the set's id in this formcheck store: lets a re-export be matched
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"

# LOINC codes used. Checked against a LOINC table? No package installed here ships one; 55411-3 is the code the
# clinic's request names for exercise duration, and no other LOINC code is used.
LOINC_EXERCISE_DURATION = ("55411-3", "Exercise duration")

# formcheck observation codes: code -> display. `<signal>.min` / `<signal>.max` are added per angle signal.
OBSERVATION_CODES = {
    "exercise-set": "Home exercise set",
    "reps": "Completed repetitions",
    "partial-reps": "Partial repetitions (moved but fell short of the work zone)",
    "faulted-reps": "Repetitions with at least one form fault",
    "holds": "Holds with correct form",
    "best-hold": "Longest hold with correct form",
    "pose-coverage": "Share of frames with a reliable pose",
    "pain-before": "Pain before the set (0-10 numeric rating)",
    "pain-after": "Pain after the set (0-10 numeric rating)",
    "symptom-response": "Symptom response after the set",
}
SYMPTOM_DISPLAY = {"centralising": "Centralising (moved towards the back)", "unchanged": "Unchanged",
                   "peripheralising": "Peripheralising (spread down the leg)"}
# A stable namespace, so the same set exported twice gets the same entry id.
_ENTRY_NAMESPACE = uuid.UUID("5b0f9c52-43a2-4b8e-9d1e-6f2f1b0c7a18")


class FhirExportError(ValueError):
    """The export cannot be made (e.g. the patient has no clinic identifier); one line saying why."""


def _coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    return {"system": system, "code": code, **({"display": display} if display else {})}


def _local(code: str, display: str | None = None) -> dict[str, Any]:
    return {"coding": [_coding(OBSERVATION_SYSTEM, code, display or OBSERVATION_CODES.get(code))]}


def _known(x: Any) -> bool:
    return x is not None and not (isinstance(x, float) and not math.isfinite(x))


def _quantity(value: float, unit: str, code: str | None = None) -> dict[str, Any]:
    return {"value": round(float(value), 2), "unit": unit, "system": UCUM, "code": code or unit}


def angle_ranges(report: Mapping[str, Any]) -> dict[str, tuple[float | None, float | None]]:
    """Each angle signal's (lowest, highest) value over a set's reps, in degrees (signals named `*_deg`)."""
    out: dict[str, tuple[float | None, float | None]] = {}
    for rep in report.get("rep_detail") or []:
        for bound, values in (("low", rep.get("low") or {}), ("high", rep.get("high") or {})):
            for signal, v in values.items():
                if not signal.endswith("_deg") or not _known(v):
                    continue
                lo, hi = out.get(signal, (None, None))
                if bound == "low":
                    lo = v if lo is None else min(lo, v)
                else:
                    hi = v if hi is None else max(hi, v)
                out[signal] = (lo, hi)
    return out


def _components(s: SessionSummary, report: Mapping[str, Any]) -> list[dict[str, Any]]:
    comps: list[dict[str, Any]] = [
        {"code": _local("reps"), "valueInteger": s.reps},
        {"code": _local("partial-reps"), "valueInteger": int(report.get("partial_reps") or 0)},
        {"code": _local("faulted-reps"), "valueInteger": s.faulted_reps},
        {"code": _local("holds"), "valueInteger": len(report.get("hold_detail") or [])},
        {"code": _local("best-hold"), "valueQuantity": _quantity(s.best_hold_s, "s")},
    ]
    if _known(report.get("duration_s")):
        code, display = LOINC_EXERCISE_DURATION
        comps.append({"code": {"coding": [_coding(LOINC, code, display)]},
                      "valueQuantity": _quantity(float(report["duration_s"]) / 60.0, "min")})
    ranges = angle_ranges(report)
    if s.rep_signal and s.rep_signal.endswith("_deg") and (_known(s.range_low) or _known(s.range_high)):
        ranges[s.rep_signal] = (s.range_low, s.range_high)  # measured over holds too, when the set had them
    for signal, (lo, hi) in sorted(ranges.items()):
        joint = signal.removesuffix("_deg").replace("_", " ")
        for end, v in ((".min", lo), (".max", hi)):
            if _known(v):
                word = "lowest" if end == ".min" else "highest"
                comps.append({"code": _local(signal + end, f"{joint} angle, {word} reached"),
                              "valueQuantity": _quantity(v, "deg")})
    for fault, count in sorted((report.get("faults") or {}).items()):
        comps.append({"code": {"coding": [_coding(FAULT_SYSTEM, str(fault))],
                               "text": f"{fault}: reps, partial reps or holds flagged"},
                      "valueInteger": int(count)})
    if _known(s.pose_coverage):
        comps.append({"code": _local("pose-coverage"), "valueQuantity": _quantity(100.0 * s.pose_coverage, "%")})
    for code, pain in (("pain-before", s.pain_before), ("pain-after", s.pain_after)):
        if pain is not None:
            comps.append({"code": _local(code), "valueInteger": pain})
    if s.symptom_response is not None:
        value = s.symptom_response.value
        comps.append({"code": _local("symptom-response"),
                      "valueCodeableConcept": {"coding": [_coding(SYMPTOM_SYSTEM, value, SYMPTOM_DISPLAY[value])]}})
    return comps


def _observation(s: SessionSummary, report: Mapping[str, Any], subject: dict[str, Any]) -> dict[str, Any]:
    title = EXERCISES[s.exercise].title if s.exercise in EXERCISES else s.exercise
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "identifier": [{"system": SESSION_ID_SYSTEM, "value": str(s.id)}],
        "status": "final",
        "category": [{"coding": [_coding(CATEGORY_SYSTEM, "activity", "Activity")]}],
        "code": {"coding": [_coding(OBSERVATION_SYSTEM, "exercise-set", OBSERVATION_CODES["exercise-set"]),
                            _coding(EXERCISE_SYSTEM, s.exercise, title)], "text": f"{title}: one set"},
        "subject": subject,
        "effectiveDateTime": s.started_at.isoformat(),
        "method": {"coding": [_coding(SOURCE_SYSTEM, s.source.value)]},
        "component": _components(s, report),
    }
    if s.interrupted:
        obs["note"] = [{"text": "The camera stopped mid-set; the values are the set as far as it went."}]
    return obs


def fhir_bundle(db: Session, actor: Actor, patient_id: int, since: datetime | None = None,
                id_system: str = DEFAULT_ID_SYSTEM, now: datetime | None = None) -> Bundle:
    """The patient's sets from `since` on as a validated FHIR Bundle (type collection), one Observation per set.

    Args:
        db: a session on the store.
        actor: the patient or one of their therapists (the same access check as every read of their sets).
        patient_id: whose sets.
        since: the first time to include (timezone-aware), or None for every set.
        id_system: the clinic's identifier system (a URI) for `User.clinic_patient_id`.
        now: the Bundle's timestamp (default: now).

    Raises:
        PermissionDenied: the actor may not read this patient's sets.
        FhirExportError: the patient has no clinic identifier, so the record could not be matched.
        pydantic.ValidationError: the Bundle is not valid FHIR (a bug: it is built from checked values).
    """
    sessions = list_sessions(db, actor, patient_id, since=since)
    user = db.get(User, patient_id)
    if not user.clinic_patient_id:
        raise FhirExportError(f"patient {user.username!r} has no clinic identifier: a therapist sets it on the "
                              "patient page or with `formcheck user clinic-id`")
    ids = [s.id for s in sessions]
    rows = db.execute(select(ExerciseSession.id, ExerciseSession.report).where(ExerciseSession.id.in_(ids))) \
        if ids else []
    reports = {i: r for i, r in rows}
    subject = {"identifier": {"system": id_system, "value": user.clinic_patient_id}}
    entries = [{"fullUrl": f"urn:uuid:{uuid.uuid5(_ENTRY_NAMESPACE, f'{id_system}|{user.clinic_patient_id}|{s.id}')}",
                "resource": _observation(s, reports.get(s.id) or {}, subject)} for s in sessions]
    return Bundle.model_validate({"resourceType": "Bundle", "type": "collection",
                                  "timestamp": (now or utc_now()).isoformat(), "entry": entries})


def fhir_json(bundle: Bundle) -> str:
    """The Bundle as indented FHIR JSON (unset elements left out)."""
    return json.dumps(json.loads(bundle.model_dump_json()), indent=2, ensure_ascii=False) + "\n"
