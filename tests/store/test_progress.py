"""Progress, adherence, the attention list and exports on hand-made sessions with hand-computed answers."""

import csv
import html
import io
from datetime import date, datetime

import pytest

from exercises.registry import get_exercise
from feedback import printable
from store import attention, auth, export, repo
from store.repo import ItemSpec
from tests.store.conftest import PASSWORD, at, make_row

TODAY = date(2025, 1, 15)  # a Wednesday in week 2 of a programme started Monday 2025-01-06
NOTES = '<script>alert("x")</script> & go gently'


@pytest.fixture
def alice_programme(db, people):
    """Week 1-2: wall squats, 2 sets x 3 days (knee must reach 110); weeks 1-3: nerve glides, 1 set daily."""
    prog = repo.create_programme(db, people.t, people.a.id, date(2025, 1, 6), [
        ItemSpec("wall_squat", sets=2, sessions_per_week=3, reps_target=10, week_from=1, week_to=2,
                 threshold_overrides={"knee_work_max_deg": 110}, notes=NOTES),
        ItemSpec("nerve_glide", sets=1, sessions_per_week=7, reps_target=10, week_from=1, week_to=3, side="right"),
    ], notes=NOTES)
    squat = prog.items[0].id
    a = people.a
    repo.save_session(db, a, a.id, make_row(reps=[(90, 165, []), (95, 160, ["too_fast"])]), started_at=at("2025-01-06"),
                      pain_before=3, pain_after=4, symptom_response="centralising", programme_item_id=squat)
    repo.save_session(db, a, a.id, make_row(reps=[(85, 170, ["too_fast"]), (88, 168, ["too_fast"]), (92, 165, [])]),
                      started_at=at("2025-01-08"), pain_before=4, pain_after=5, programme_item_id=squat)
    repo.save_session(db, a, a.id, make_row("nerve_glide", reps=[(100, 150, [])]), started_at=at("2025-01-09"),
                      pain_before=2, pain_after=2, symptom_response="unchanged")
    repo.save_session(db, a, a.id, make_row("cat_cow", reps=[(-10, 20, [])]), started_at=at("2025-01-10"))
    return prog


def test_progress_series(db, people, alice_programme):
    got = repo.progress(db, people.t, people.a.id)
    assert set(got) == {"wall_squat", "nerve_glide", "cat_cow"}
    ws = got["wall_squat"]
    assert [(p.range_low, p.range_high, p.reps, p.fault_rate) for p in ws] == [(90, 165, 2, 0.5), (85, 170, 3, 2 / 3)]
    assert [(p.target_low, p.target_high) for p in ws] == [(110.0, 150.0)] * 2  # the item's override, the default
    assert [(p.pain_before, p.pain_after) for p in ws] == [(3, 4), (4, 5)]
    ng = get_exercise("nerve_glide")
    (p,) = got["nerve_glide"]
    assert (p.target_low, p.target_high) == ng.rep_band()
    assert p.symptom_response == "unchanged"
    assert list(repo.progress(db, people.a, people.a.id, "cat_cow")) == ["cat_cow"]


def test_adherence_by_week(db, people, alice_programme):
    w1, w2 = repo.adherence(db, people.a, people.a.id, today=TODAY)
    assert (w1.week, w1.start, w1.end) == (1, date(2025, 1, 6), date(2025, 1, 13))
    # 2 sets x 3 squat days + 1 x 7 glides prescribed; cat-cow was not prescribed and does not count.
    assert w1.by_exercise == {"cat_cow": (1, 0), "nerve_glide": (1, 7), "wall_squat": (2, 6)}
    assert (w1.prescribed, w1.done, w1.done_capped, w1.ratio) == (13, 4, 3, 3 / 13)
    assert (w2.prescribed, w2.done, w2.ratio) == (13, 0, 0.0)
    assert repo.adherence(db, people.a, people.a.id, today=date(2025, 1, 5)) == []  # before the start
    weeks = repo.adherence(db, people.a, people.a.id, today=date(2025, 3, 1))  # after the end: the 3 weeks
    assert [(w.week, w.prescribed) for w in weeks] == [(1, 13), (2, 13), (3, 7)]


def test_attention_list_order_and_reasons(db, people, alice_programme):
    t, c = people.t, people.c
    # Carol: spreading symptoms yesterday and pain after exercise 2 -> 3 -> 5.
    for day, pain, symptom in [("2025-01-10", 2, "unchanged"), ("2025-01-12", 3, None),
                               ("2025-01-14", 5, "peripheralising")]:
        repo.save_session(db, c, c.id, make_row("nerve_glide", reps=[(100, 150, [])]), started_at=at(day),
                          pain_after=pain, symptom_response=symptom)
    # Dan: 7 of 12 reps faulted this week; his spreading symptoms were 26 days ago, outside the window.
    dan = auth.create_user(db, "dan", PASSWORD, "patient")
    auth.link(db, "thera", "dan")
    repo.save_session(db, dan, dan.id, make_row(reps=[(90, 170, ["too_deep"])] * 7 + [(90, 170, [])] * 5),
                      started_at=at("2025-01-10"))
    repo.save_session(db, dan, dan.id, make_row(), started_at=at("2024-12-20"), symptom_response="peripheralising")
    # Erin: nothing recorded, no programme: nothing to flag.
    auth.create_user(db, "erin", PASSWORD, "patient")
    auth.link(db, "thera", "erin")

    items = attention.attention_list(db, t, today=TODAY)
    assert [(i.username, [r.code for r in i.reasons]) for i in items] == [
        ("carol", ["peripheralising", "pain_rising"]),
        ("dan", ["frequent_faults"]),
        ("alice", ["missed_sessions"]),  # week 1: 3 of 13 sets; pain 4, 5, 2 is not rising
        ("erin", []),
    ]
    assert items[1].reasons[0].detail == "7 of 12 reps had a form fault in the last 14 days"
    assert items[2].reasons[0].detail == "week 1: 3 of 13 prescribed sets done"
    assert "2 -> 3 -> 5" in items[0].reasons[1].detail


def test_fault_rate_at_the_threshold_is_not_flagged(db, people):
    c = people.c
    repo.save_session(db, c, c.id, make_row(reps=[(90, 170, ["too_deep"])] * 5 + [(90, 170, [])] * 5),
                      started_at=at("2025-01-14"))
    assert attention.attention_list(db, people.t, today=TODAY)[1].reasons == ()  # 5/10 is not above 0.5


@pytest.mark.parametrize(("item", "error"), [
    (ItemSpec("burpee", reps_target=5), "unknown exercise"),
    (ItemSpec("wall_squat"), "reps_target or a hold_target_s"),
    (ItemSpec("wall_squat", reps_target=5, week_from=3, week_to=2), "week_to"),
    (ItemSpec("wall_squat", reps_target=5, sets=0), "sets"),
    (ItemSpec("wall_squat", hold_target_s=-5), "hold_target_s"),
    (ItemSpec("wall_squat", reps_target=5, side="middle"), "side"),
    (ItemSpec("nerve_glide", reps_target=5, threshold_overrides={"knee_bogus_deg": 1}), "knee_bogus_deg"),
    (ItemSpec("nerve_glide", reps_target=5, threshold_overrides={"knee_extension_target_deg": "far"}), "number"),
])
def test_bad_programme_items_are_refused(db, people, item, error):
    with pytest.raises(ValueError, match=error):
        repo.create_programme(db, people.t, people.a.id, date(2025, 1, 6), [item])
    assert repo.list_programmes(db, people.t, people.a.id) == []


def test_programme_round_trip(db, people, alice_programme):
    (p,) = repo.list_programmes(db, people.a, people.a.id)
    assert p == alice_programme and p.weeks == 3 and p.notes == NOTES
    assert p.items[0].threshold_overrides == {"knee_work_max_deg": 110.0}
    assert (p.items[1].side, p.items[1].sessions_per_week) == ("right", 7)


def test_csv_export(db, people, alice_programme):
    rows = list(csv.DictReader(io.StringIO(export.export_csv(db, people.t, people.a.id))))
    assert [r["exercise"] for r in rows] == ["wall_squat", "wall_squat", "nerve_glide", "cat_cow"]
    first = rows[0]
    assert first["started_at_utc"] == "2025-01-06T09:00:00+00:00"
    assert (first["reps"], first["faulted_reps"], first["fault_rate"]) == ("2", "1", "0.5")
    assert (first["range_low"], first["range_high"], first["faults"]) == ("90.0", "165.0", "too_fast=1")
    assert (first["pain_before"], first["pain_after"], first["symptom_response"]) == ("3", "4", "centralising")
    assert rows[3]["pain_before"] == "" and rows[3]["symptom_response"] == ""


def test_csv_cells_cannot_become_formulas():
    assert export._cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert export._cell("wall_squat") == "wall_squat"


def test_printable_report_is_escaped_and_complete(db, people, alice_programme):
    page = printable.report_html(export.report_data(db, people.t, people.a.id, today=TODAY))
    assert "<script>" not in page
    assert page.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; go gently") == 2  # programme + item
    assert "formcheck report: alice" in page and "not a diagnosis" in page
    assert "knee work max (°): 110" in page  # threshold overrides in plain units
    assert "<td>2025-01-06 09:00</td><td>Wall squat / wall sit</td>" in page
    assert "<td>23%</td>" in page and "<td>0%</td>" in page  # adherence weeks 1 and 2
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>")


def test_printable_report_has_charts_and_faults_per_exercise(db, people, alice_programme):
    page = printable.report_html(export.report_data(db, people.t, people.a.id, today=TODAY))
    sections = page.split('<section class="exercise">')[1:]
    assert [s.split("</h2>")[0] for s in sections] == [
        "<h2>Wall squat / wall sit", "<h2>Sciatic nerve glide (lying, knee extension)", "<h2>Cat-cow",
        "<h2>Every set"]
    squat = sections[0]
    assert squat.count("<svg") == 2 and "Range reached against target: support knee (°)" in squat
    assert "Pain before and after each set" in squat
    # Two squat sets: highs 165/170 and lows 90/85 are one marker each, the knee target ticks per set.
    range_svg, pain_svg = squat.split("</svg>")[:2]
    assert range_svg.count("<circle") == 2 + 1 and range_svg.count('stroke-dasharray="4 3"') == 4 + 1  # + legend
    assert pain_svg.count("<circle") == 2 + 1  # pain after: 4 and 5
    # too_fast: 1 rep of set 1 and 2 of set 2, in the therapist's wording, not as a code.
    assert ("<tr><td>Repetition took less than rep_duration_min_s from leaving the start position to coming back "
            "to it.</td><td>2 of 2</td><td>3</td>"
            "<td>2025-01-08</td></tr>") in squat
    assert "too_fast" not in page
    assert "No faults flagged." in sections[1]


def test_printable_report_escapes_text_inside_the_charts():
    from types import SimpleNamespace as NS

    point = NS(started_at=datetime(2025, 1, 6, 9), range_low=90.0, range_high=None, target_low=100.0,
               target_high=150.0, pain_before=None, pain_after=3, symptom_response=None)
    svg = printable.range_svg([point], '<img src="x"> & "knee"')
    assert "<img" not in svg and "&lt;img src=&quot;x&quot;&gt; &amp; &quot;knee&quot;" in svg
    assert svg.count("<circle") == 1  # the legend's: no high reached, so no marker and no NaN in the drawing
    assert "nan" not in printable.pain_svg([point]).lower()


def test_sets_that_could_not_check_a_fault_say_so_in_the_csv_and_the_printable_report(db, people):
    a = people.a
    # Two wall squats filmed from the side (the knees' inward collapse not checked), one from the front.
    for day, unchecked in (("2025-01-06", ["knee_valgus"]), ("2025-01-07", ["knee_valgus"]), ("2025-01-08", [])):
        repo.save_session(db, a, a.id, {**make_row(reps=[(90, 165, [])]), "unjudged_faults": unchecked},
                          started_at=at(day))
    repo.save_session(db, a, a.id, make_row("cat_cow", reps=[(-10, 20, [])]), started_at=at("2025-01-09"))
    rows = list(csv.DictReader(io.StringIO(export.export_csv(db, people.t, a.id))))
    assert [r["unjudged_faults"] for r in rows] == ["knee_valgus", "knee_valgus", "", ""]  # a row saved before: ""
    page = printable.report_html(export.report_data(db, people.t, a.id, today=TODAY))
    squat, cat_cow = page.split('<section class="exercise">')[1:3]
    assert "No faults flagged among those checked." in squat
    assert ("Not checked: knee valgus in 2 of 3 sets (knee alignment: it shows only from in front or from behind)."
            in squat)
    assert "Not checked" not in cat_cow and "No faults flagged." in cat_cow


def test_partial_reps_and_reps_that_could_not_check_a_fault_reach_the_csv_and_the_printable_report(db, people):
    a = people.a
    # A nerve glide whose 4th rep tipped the hip line (pelvis_lift not checked in it alone), with one partial rep.
    glide = make_row("nerve_glide", reps=[(90, 150, []), (90, 152, []), (90, 151, []), (90, 149, [])])
    glide["rep_detail"][3]["unjudged_faults"] = ["pelvis_lift"]
    glide["partial_reps"] = 1
    glide["partial_rep_detail"] = [{"index": 1, "start_s": 9.0, "end_s": 10.0, "duration_s": 1.0,
                                    "faults": ["short_of_target"], "unjudged_faults": ["pelvis_lift", "thigh_drift"]}]
    glide["unjudged_faults"] = ["thigh_drift"]  # no rep could check it: said for the set, not again per rep
    repo.save_session(db, a, a.id, glide, started_at=at("2025-01-06"))
    repo.save_session(db, a, a.id, make_row("nerve_glide", reps=[(90, 150, [])]), started_at=at("2025-01-07"))
    rows = list(csv.DictReader(io.StringIO(export.export_csv(db, people.t, a.id))))
    assert [(r["reps"], r["partial_reps"], r["unjudged_faults"], r["rep_unjudged_faults"]) for r in rows] == [
        ("4", "1", "thigh_drift", "pelvis_lift=2"), ("1", "0", "", "")]
    # Appended in turn: the old columns stay put.
    assert export.SESSION_CSV_COLUMNS[-6:-2] == ("partial_reps", "rep_unjudged_faults", "one_end_only",
                                                 "unseen_max_s")
    page = printable.report_html(export.report_data(db, people.t, a.id, today=TODAY))
    section = page.split('<section class="exercise">')[1]
    assert "Not checked: thigh drift in 1 of 2 sets (hip angle: it shows only from the side)." in section
    assert ("Not checked in some reps: pelvis lift in 1 of 2 sets, 2 reps (resting leg: it shows only from the side)."
            in section)
    every_set = page.split("<h2>Every set")[1]
    assert "<td>4 + 1 partial</td>" in every_set and "<td>1</td>" in every_set


def test_the_export_says_which_sets_were_seen_at_one_end_only(db, people):
    # A trunk rotation filmed from where the rolls away from the camera are hidden counts 0: the clinic's export says
    # the rolls one way were seen, as the row does; a set saved before the row carried it has the column empty.
    a = people.a
    repo.save_session(db, a, a.id, {**make_row("lower_trunk_rotation"), "one_end_only": "low"},
                      started_at=at("2025-01-06"))
    repo.save_session(db, a, a.id, make_row("lower_trunk_rotation"), started_at=at("2025-01-07"))
    rows = list(csv.DictReader(io.StringIO(export.export_csv(db, people.t, a.id))))
    assert [(r["reps"], r["one_end_only"]) for r in rows] == [("0", "low"), ("0", "")]
    # The printable report says it once for the exercise, with what its latest such set showed.
    repo.save_session(db, a, a.id, make_row("lower_trunk_rotation", reps=[(-0.1, 0.1, [])] * 2),
                      started_at=at("2025-01-08"))
    page = printable.report_html(export.report_data(db, people.t, a.id, today=TODAY))
    assert ("Seen at one end only: 1 of 3 sets counted no full rep. In the latest, the patient's knees were seen "
            "rolling to their right, but not to their left") in html.unescape(page)


def test_the_export_and_the_report_say_which_sets_lost_the_patient_from_view(db, people):
    # A hold whose person the pose model lost for 5.08 s mid-set may be short for it: the export carries the stretch,
    # a set under the 2 s the review warns from carries it too, and one saved before rows carried it has it empty.
    a = people.a
    for day, unseen in (("2025-01-06", 5.08), ("2025-01-07", 1.2), ("2025-01-08", None), ("2025-01-09", 2.6)):
        row = make_row("prone_on_elbows")
        if unseen is not None:
            row["unseen_max_s"] = unseen
        repo.save_session(db, a, a.id, row, started_at=at(day))
    rows = list(csv.DictReader(io.StringIO(export.export_csv(db, people.t, a.id))))
    assert [r["unseen_max_s"] for r in rows] == ["5.08", "1.2", "", "2.6"]
    assert list(rows[0])[-3] == "unseen_max_s"  # appended: the old columns stay put
    page = printable.report_html(export.report_data(db, people.t, a.id, today=TODAY))
    assert ("Lost from view mid-set: 2 of 4 sets, for up to 5 s: reps or hold time there may be missing."
            in html.unescape(page))


def test_the_export_and_the_report_say_which_sets_were_filmed_too_far_round(db, people):
    # A cat-cow filmed 55-58 degrees round has its back's bend unknown in 38-40% of the frames it was seen in: the
    # export carries the share and the view, a set with none carries 0, one saved before rows carried it is empty;
    # the printable report says it once for the exercise, from the share the review warns from.
    a = people.a
    for day, share, view in (("2025-01-06", 0.38, 57.0), ("2025-01-07", 0.0, None), ("2025-01-08", None, None),
                             ("2025-01-09", 0.4, 55.0), ("2025-01-10", 0.1, 40.0)):
        row = make_row("cat_cow")
        if share is not None:
            row["view_hidden_ratio"], row["view_hidden_deg"] = share, view
        repo.save_session(db, a, a.id, row, started_at=at(day))
    rows = list(csv.DictReader(io.StringIO(export.export_csv(db, people.t, a.id))))
    assert [(r["view_hidden_ratio"], r["view_hidden_deg"]) for r in rows] == [
        ("0.38", "57.0"), ("0.0", ""), ("", ""), ("0.4", "55.0"), ("0.1", "40.0")]
    assert export.SESSION_CSV_COLUMNS[-2:] == ("view_hidden_ratio", "view_hidden_deg")  # appended
    page = html.unescape(printable.report_html(export.report_data(db, people.t, a.id, today=TODAY)))
    assert ("Filmed too far round: 2 of 5 sets, about 56° off side-on, the movement not measured in up to 40% of the "
            "set: counts may be low.") in page
    # The table of every set says which: the sets from the share the note counts, and no other.
    cells = [c.split("</td>")[0] for c in page.split("<h2>Every set")[1].split("<td>")]
    assert [c for c in cells if "too far round" in c] == ["100%, 38% too far round", "100%, 40% too far round"]


def test_a_walk_that_leaves_the_picture_is_not_said_to_be_lost_from_view(db, people):
    a = people.a
    repo.save_session(db, a, a.id, {**make_row("walk"), "unseen_max_s": 6.0}, started_at=at("2025-01-06"))
    repo.save_session(db, a, a.id, {**make_row("wall_squat"), "unseen_max_s": 0.0}, started_at=at("2025-01-07"))
    page = printable.report_html(export.report_data(db, people.t, a.id, today=TODAY))
    sections = page.split('<section class="exercise">')[1:]
    assert [html.unescape(s.split("</h2>")[0]) for s in sections] == [
        "<h2>Walking (gait check for foot drop)", "<h2>Wall squat / wall sit", "<h2>Every set"]
    assert not any("Lost from view" in s for s in sections)
