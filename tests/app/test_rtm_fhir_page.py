"""The patient page's Monitoring (RTM) and export parts (AppTest): log time, review time this month, FHIR."""

from __future__ import annotations

import json

from fhir.resources.R4B.bundle import Bundle

from store import rtm
from tests.app.nav import app_test
from tests.app.test_progress_approval import cheap_password_hashing, clinic  # noqa: F401 - fixtures


def _open(t, a):
    at = app_test(None, t).run()
    at.selectbox(key="patient").set_value(a.id)
    return at.run()


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_therapist_logs_time_and_sees_review_time_this_month(clinic):  # noqa: F811
    factory, t, a = clinic
    at = _open(t, a)
    assert _metric(at, "Review time this month") == "0 min"
    assert _metric(at, "Data-days, period 1") in ("1 of 30", "2 of 30")  # three sets in the last 3 hours
    at = next(b for b in at.button if b.label == "Log time").click().run()  # nothing said about what was done
    assert [e.value.replace("\\", "") for e in at.error] == ["say what was done, in 1 to 500 characters"]  # unescaped
    at.number_input(key=f"tl_min:{a.id}").set_value(12)
    at.checkbox(key=f"tl_live:{a.id}").check()
    at.text_input(key=f"tl_what:{a.id}").input("Video call: went through the squat depth")
    at = next(b for b in at.button if b.label == "Log time").click().run()
    assert not at.exception
    assert _metric(at, "Review time this month") == "12 min"
    assert _metric(at, "Live interactions this month") == "1"
    with factory() as db:
        (entry,) = rtm.time_entries(db, t, a.id)
    assert (entry.minutes, entry.live_interaction, entry.therapist) == (12, True, "thera")
    labels = [b.proto.label for b in at.get("download_button")]
    assert {"Download RTM report (HTML)", "Download RTM days (CSV)"} <= set(labels)


def test_fhir_download_appears_once_the_clinic_identifier_is_set(clinic):  # noqa: F811
    factory, t, a = clinic
    at = _open(t, a)
    assert not any(b.proto.label.startswith("Download FHIR") for b in at.get("download_button"))
    at.text_input(key=f"cid:{a.id}").input("MRN-123")
    at.text_input(key=f"tz:{a.id}").input("Europe/London")
    at = next(b for b in at.button if b.label == "Save identifier and time zone").click().run()
    assert not at.exception
    (button,) = [b for b in at.get("download_button") if b.proto.label.startswith("Download FHIR")]
    assert button.proto.label == "Download FHIR R4 Bundle (3 sets)"
    # The bytes the button serves are the store's Bundle: rebuild it the same way and validate.
    from store import fhir

    with factory() as db:
        bundle = fhir.fhir_bundle(db, t, a.id, since=None)
    data = json.loads(fhir.fhir_json(bundle))
    assert Bundle.model_validate(data).entry[0].resource.subject.identifier.value == "MRN-123"
