"""A deterministic, varied suite of synthetic clips, and the committed samples.

``suite_specs`` only builds the list (cheap, testable); ``build_suite`` renders
it. Variation is assigned round-robin from seeded choices so that even a small
suite covers both facings, every body shape, every frame rate, several
resolutions and every fault code of every exercise.

A ``synth.camera.ViewPlan`` films the suite from several cameras. Views are paired: every
script is rendered once at each yaw its exercise allows, with the same body,
scene, pitch and lens, so a difference between yaws is the yaw's alone. Pitch
bands (a level, a floor and a table camera) and the field of view vary from
script to script.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from pose.workers import core_count, process_pool
from synth import floor_scripts, prone_side_scripts, seated_scripts, stretch_scripts, supine_scripts, upright_scripts
from synth.camera import FRONT_ONLY_FAULTS, ViewPlan
from synth.mannequin import BODY_SHAPES
from synth.poses import WALL_SQUAT_ARMS
from synth.render import SUPPORTED_FPS, ClipSpec, Script, render_clip
from synth.scene import SceneStyle, random_scene_style
from synth.script import FAULT_CODES, CatCowScript, Fault, NerveGlideScript, WallSquatScript, random_raised_leg

RESOLUTIONS: tuple[tuple[int, int], ...] = ((640, 480), (1280, 720), (720, 1280), (640, 360))
FACINGS: tuple[str, ...] = ("right", "left")
# Nerve glide scripts from this index on (the 7th and 8th of the default 8) are prescribed a low target; the first
# six of a seed are as they were drawn before (3 December), so suites rendered with 6 per exercise still match.
_GLIDE_LOW_TARGET_FROM_INDEX = 6
def _script(exercise: str, fault: str | None, rng: np.random.Generator, seed: int, hold: bool, index: int) -> Script:
    """A short randomised script with ``fault`` injected into one rep (wall squat: hold mode if ``hold``).

    Tempos follow what a clinic prescribes: wall squat and nerve glide 3-5 s per rep (pause included), cat-cow
    5-8 s per cycle with 1-2 s holds at each end. ``index`` picks the wall squat's arms round-robin.
    """
    if exercise in floor_scripts.FAULT_CODES:
        return floor_scripts.random_script(exercise, fault, rng, seed)
    if exercise in supine_scripts.FAULT_CODES:
        return supine_scripts.random_script(exercise, fault, rng, seed)
    if exercise in prone_side_scripts.FAULT_CODES:
        return prone_side_scripts.random_script(exercise, fault, rng, seed)
    if exercise in stretch_scripts.EXERCISES:
        return stretch_scripts.random_script(exercise, fault, rng, seed)
    if exercise == upright_scripts.SINGLE_LEG_STANCE:
        return upright_scripts.random_script(exercise, fault, rng, seed)
    if exercise == seated_scripts.SEATED_KNEE_EXTENSION:
        return seated_scripts.random_script(exercise, fault, rng, seed)
    if exercise == "wall_squat":
        reps = 1 if hold else int(rng.integers(3, 5))
        faults = (Fault(fault, int(rng.integers(1, reps + 1))),) if fault else ()
        # 3-5 s per rep: 2.8-4.4 s of sliding plus a 0.3-0.6 s pause at the bottom.
        return WallSquatScript(reps=reps, mode="hold" if hold else "reps",
                               rep_s=float(rng.uniform(2.8, 4.4)), bottom_s=float(rng.uniform(0.3, 0.6)),
                               pause_s=float(rng.uniform(0.6, 1.5)), arms=WALL_SQUAT_ARMS[index % len(WALL_SQUAT_ARMS)],
                               hold_s=float(rng.uniform(5.0, 8.0)), depth_knee_deg=float(rng.uniform(88.0, 100.0)),
                               hip_setback=float(rng.uniform(0.16, 0.24)), faults=faults, seed=seed,
                               # A too-deep bend anywhere from 50 to 62 (the truth's limit is 65), not always at one
                               # depth; from its own stream, so every other script of a seed is drawn as before.
                               too_deep_knee_deg=float(np.random.default_rng([seed, 58]).uniform(50.0, 62.0)))
    if exercise == "nerve_glide":
        reps = int(rng.integers(3, 5))
        faults = (Fault(fault, int(rng.integers(1, reps + 1))),) if fault else ()
        # The thigh drifts either way: falling towards the feet, or pulled towards the chest.
        drift = float(rng.uniform(118.0, 126.0)) if rng.random() < 0.7 else float(rng.uniform(56.0, 62.0))
        # The resting leg rises 30-45 degrees, past the truth's 25 (drawn only for that fault, so that adding it
        # left every other clip of a seed as it was).
        lift = float(rng.uniform(30.0, 45.0)) if fault == "pelvis_lift" else 35.0
        # 3.6-5 s per rep: 3.2-4.4 s of movement plus a 0.4-0.6 s pause at the end of the range.
        script = NerveGlideScript(reps=reps, rep_s=float(rng.uniform(3.2, 4.4)),
                                  end_hold_s=float(rng.uniform(0.4, 0.6)), pause_s=float(rng.uniform(0.5, 1.0)),
                                  target_knee_deg=float(rng.uniform(155.0, 162.0)),
                                  short_of_target_deg=float(rng.uniform(5.0, 10.0)),
                                  beyond_target_deg=float(rng.uniform(15.0, 20.0)), drift_hip_deg=drift,
                                  pelvis_lift_deg=lift, faults=faults, seed=seed)
        script = replace(script, raised_leg=random_raised_leg(seed, 136))  # either leg raised
        if index >= _GLIDE_LOW_TARGET_FROM_INDEX:
            # A target limited by symptoms (135-150: the rep band and the rep's timing both depend on it). From its
            # own stream, so every other script of a seed is drawn as before.
            low = float(np.random.default_rng([seed, 135]).uniform(135.0, 150.0))
            script = replace(script, target_knee_deg=low)
        return script
    cycles = int(rng.integers(2, 4))
    faults = (Fault(fault, int(rng.integers(1, cycles + 1))),) if fault else ()
    # Back arc +-35-50 deg, like real people; a small range is +-17-22 deg and under half the normal one.
    amplitude = float(rng.uniform(35.0, 50.0))
    small = float(rng.uniform(17.0, min(22.0, amplitude / 2.0)))
    # 5-8 s per cycle: 3-4 s of movement plus a 1-2 s hold at each end.
    return CatCowScript(cycles=cycles, cycle_s=float(rng.uniform(3.0, 4.0)), end_hold_s=float(rng.uniform(1.0, 2.0)),
                        amplitude_deg=amplitude, small_amplitude_deg=small, faults=faults, seed=seed)


def random_script(exercise: str, fault: str | None, rng: np.random.Generator, seed: int) -> Script:
    """A short randomised script of any exercise with ``fault`` injected into one rep (a wall squat in rep mode).

    The suite's own per-exercise dispatch, for benches that render their own sweeps (bench.fault_sweep).
    """
    if exercise not in FAULT_CODES:
        raise ValueError(f"no renderer script for {exercise!r}; expected one of {sorted(FAULT_CODES)}")
    return _script(exercise, fault, rng, seed, False, 0)


def suite_specs(n_per_exercise: int = 8, seed: int = 0, views: ViewPlan | None = None) -> list[ClipSpec]:
    """The suite's clip specs, deterministic for a given seed.

    Args:
        n_per_exercise: Scripts per exercise; at least the number of that
            exercise's faults + 1 so each fault and one clean clip appear.
        seed: Master seed.
        views: Cameras; each script is rendered at every yaw its exercise
            allows (default: the one level side view, one clip per script).

    Returns:
        Specs, grouped by exercise, then script, then yaw.

    Raises:
        ValueError: ``n_per_exercise`` too small to cover every fault.
    """
    views = views or ViewPlan()
    # Faults only the front shows are not in the rotation: every script is filmed from the side too.
    rotation = {ex: [f for f in codes if f not in FRONT_ONLY_FAULTS] for ex, codes in FAULT_CODES.items()}
    need = max(len(v) for v in rotation.values()) + 1
    if n_per_exercise < need:
        raise ValueError(f"n_per_exercise must be >= {need} to cover every fault, got {n_per_exercise}")
    rng = np.random.default_rng(seed)
    # Views come from their own stream, so the scripts and scenes of a seed do not depend on the plan.
    view_rng = np.random.default_rng([seed, 1])
    bodies = sorted(BODY_SHAPES)
    specs = []
    for e, exercise in enumerate(FAULT_CODES):
        faults: list[str | None] = [None, *rotation[exercise]]
        for i in range(n_per_exercise):
            fault = faults[i % len(faults)]
            clip_seed = int(rng.integers(0, 2**31))
            w, h = RESOLUTIONS[(i + e) % len(RESOLUTIONS)]
            # Portrait frames leave a lying body small; keep it larger there.
            style = random_scene_style(rng, (0.7, 0.9) if h > w and exercise != "wall_squat" else (0.6, 0.85))
            # After one round of faults, repeat the clean and back-off-wall
            # clips as wall sits so holds are covered too.
            script = _script(exercise, fault, rng, clip_seed, i >= len(faults) and fault in (None, "back_off_wall"), i)
            name = f"{exercise}_{i:02d}_{fault or 'clean'}"
            # A raised camera's pitch from a stream of its own, so no other clip's view moves with it.
            pitch_rng = np.random.default_rng([seed, 3, e, i])
            for view in upright_scripts.suite_views(exercise, views.views(exercise, i, view_rng), pitch_rng):
                specs.append(ClipSpec(
                    name=f"{name}_yaw{view.yaw_deg:02.0f}" if views.varies else name,
                    script=script,
                    width=w, height=h,
                    fps=SUPPORTED_FPS[(i + 2 * e) % len(SUPPORTED_FPS)],
                    facing=FACINGS[(i + (i // 2) + e) % 2],
                    body=bodies[(i + e) % len(bodies)],
                    style=style,
                    seed=clip_seed,
                    view=view,
                ))
    return specs


def build_suite(out_dir: str | Path, n_per_exercise: int = 8, seed: int = 0, jobs: int | None = None,
                views: ViewPlan | None = None, exercises: tuple[str, ...] = ()) -> list[Path]:
    """Render the suite into ``out_dir`` with an ``index.json`` listing it.

    Args:
        out_dir: Output directory.
        n_per_exercise: Scripts per exercise (see ``suite_specs``).
        seed: Master seed.
        jobs: Clips rendered at once (default: every core); each clip is
            deterministic, so the result does not depend on it.
        views: Cameras (see ``suite_specs``).
        exercises: Render only these exercises' clips (the same clips the whole suite of this seed holds); all
            when empty.

    Returns:
        Paths of the rendered videos.

    Raises:
        ValueError: an exercise the suite does not hold.
    """
    out = Path(out_dir)
    specs = suite_specs(n_per_exercise, seed, views)
    unknown = sorted(set(exercises) - set(FAULT_CODES))
    if unknown:
        raise ValueError(f"no rendered suite for {', '.join(unknown)}; expected some of {', '.join(FAULT_CODES)}")
    specs = [s for s in specs if not exercises or s.script.exercise in exercises]
    jobs = max(1, min(jobs or core_count(), len(specs)))
    if jobs == 1:
        results = [render_clip(spec, out) for spec in specs]
    else:
        with process_pool(jobs) as pool:
            results = list(pool.map(render_clip, specs, [out] * len(specs)))
    index = [{"video": path.name, "truth": f"{spec.name}.truth.json", "exercise": truth["exercise"],
              "faults": sorted({f["code"] for f in truth["faults"]}), "expected": truth["expected"],
              "view": truth["view"]}
             for spec, (path, truth) in zip(specs, results)]
    (out / "index.json").write_text(json.dumps(index, indent=1) + "\n")
    return [path for path, _ in results]


def sample_specs() -> list[ClipSpec]:
    """The small committed ``sample_videos/`` set (640x480, 30 fps), at a clinic's slow tempo."""
    base = SceneStyle(noise_sigma=1.5, blur_sigma_px=0.5, tilt_deg=0.0, figure_frac=0.8)
    return [
        ClipSpec("wall_squat_5_reps", WallSquatScript(reps=5, rep_s=3.0, bottom_s=0.5, pause_s=0.8, lead_in_s=0.8,
                                                      tail_s=0.8, arms="crossed", seed=1),
                 facing="right", body="average", style=base, seed=1),
        ClipSpec("wall_sit_hold_10s", WallSquatScript(mode="hold", hold_s=10.0, rep_s=3.6, lead_in_s=0.5,
                                                      tail_s=0.5, arms="wall", seed=2),
                 facing="left", body="broad",
                 style=SceneStyle(wall_colour=(180, 200, 215), prop_colour=(150, 150, 150), noise_sigma=1.5,
                                  figure_frac=0.8), seed=2),
        ClipSpec("nerve_glide_right_6_reps_drift", NerveGlideScript(reps=6, rep_s=3.4, end_hold_s=0.5, pause_s=0.6,
                                                                    lead_in_s=0.5, tail_s=0.5,
                                                                    faults=(Fault("thigh_drift", 4),), seed=3),
                 facing="right", body="slim",
                 style=SceneStyle(wall_colour=(200, 215, 200), prop_colour=(170, 120, 60), figure_frac=0.85), seed=3),
        ClipSpec("cat_cow_4_cycles", CatCowScript(cycles=4, cycle_s=3.2, end_hold_s=1.2, amplitude_deg=42.0,
                                                  pause_s=0.3, lead_in_s=0.6, tail_s=0.6, seed=4),
                 facing="left", body="average",
                 style=SceneStyle(wall_colour=(225, 220, 205), prop_colour=(80, 150, 90), figure_frac=0.85), seed=4),
        ClipSpec("wall_squat_back_off_wall_rep3", WallSquatScript(reps=4, rep_s=3.2, bottom_s=0.5, pause_s=0.8,
                                                                  lead_in_s=0.8, tail_s=0.8, arms="hanging",
                                                                  faults=(Fault("back_off_wall", 3),), seed=5),
                 facing="left", body="slim",
                 style=SceneStyle(wall_colour=(215, 205, 225), tilt_deg=2.0, figure_frac=0.75), seed=5),
    ]
