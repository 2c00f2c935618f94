"""Re-scoring a saved set from its stored landmarks with other thresholds: no MediaPipe, nothing written."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from exercises.engine import score_sequence
from exercises.results import ClipReport
from scoring.prescription import plan_set
from store import repo
from store.auth import Actor


def rescore_set(db: Session, actor: Actor, session_id: int,
                overrides: Mapping[str, float] | None = None) -> ClipReport:
    """Score a session's stored landmarks again, with `overrides` over the exercise's defaults.

    The working side is the one the saved report chose, so a re-score differs only by the thresholds.

    Args:
        db: a session on the store.
        actor: who asks.
        session_id: the session to re-score.
        overrides: threshold name -> value for the session's exercise, over the defaults.

    Raises:
        PermissionDenied: not the actor's to see.
        ConfigError: unknown threshold names or values the exercise rejects.
        ValueError: the session has no stored landmarks.
    """
    detail = repo.get_session(db, actor, session_id)
    landmarks = repo.get_landmarks(db, actor, session_id)
    if landmarks is None:
        raise ValueError(f"session {session_id} has no stored landmarks to re-score")
    plan = plan_set(detail.summary.exercise, sidebar=dict(overrides) if overrides else None)
    side = detail.report.get("side")
    return score_sequence(landmarks, plan.spec, side if side in ("left", "right") else None)
