"""What a patient is told when formcheck cannot tell the exercise: plain words, no code names."""

import pytest

from exercises.detect import POSTURE_LABELS
from feedback.wording import POSTURE_WORDS, recognition_doubt


def test_every_frame_posture_has_plain_words():
    assert set(POSTURE_WORDS) == set(POSTURE_LABELS)
    assert all("_" not in words for words in POSTURE_WORDS.values())


def test_no_movement_says_where_the_person_was_seen():
    assert "lying on your back" in recognition_doubt("no_movement", "supine", ("Knee to chest",))


def test_a_tie_names_both_exercises():
    text = recognition_doubt("tie", "supine", ("Knee to chest", "Pelvic tilt", "Nerve glide"))
    assert "Knee to chest or Pelvic tilt" in text and "Nerve glide" not in text


def test_a_doubt_names_the_best_guess():
    assert "Cat-cow" in recognition_doubt("doubtful", "quadruped", ("Cat-cow", "Bird dog"))


@pytest.mark.parametrize("doubt, posture", [("no_posture", "unknown"), ("no_movement", "unknown"),
                                            ("tie", "standing"), ("doubtful", "standing")])
def test_every_doubt_is_one_sentence_without_code_names(doubt, posture):
    text = recognition_doubt(doubt, posture, ())
    assert text and text[0].isupper() and text.endswith(".") and "_" not in text
