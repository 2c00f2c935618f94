"""bench.front_view: its clips are front views of wall squats with one knee_valgus rep, the same for a seed."""

from bench.front_view import clip_specs


def test_front_view_sweep_films_one_valgus_rep_from_the_front_the_same_for_a_seed():
    specs = clip_specs(61, 3)
    assert specs == clip_specs(61, 3) and specs != clip_specs(62, 3)
    assert {s.view.yaw_deg for s in specs} == {90.0}
    for s in specs:
        assert [f.code for f in s.script.faults] == ["knee_valgus"]
        assert -15.0 <= s.view.pitch_deg <= 15.0
