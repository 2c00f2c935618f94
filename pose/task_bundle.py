"""Build a MediaPipe Tasks `.task` pose landmarker bundle from the models mediapipe 0.10.21 ships.

Newer mediapipe releases only run `.task` bundles, which these machines cannot download. The bundled
`pose_detection.tflite` and `pose_landmark_full.tflite` lack the input-normalisation metadata the Tasks API
needs; this adds it, so the `--model` path can be used and tested offline with the very same weights.

Run: python -m pose.task_bundle OUT.task
"""

from __future__ import annotations

import sys
from pathlib import Path

import mediapipe as mp
from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer, model_asset_bundle_utils

_MODULES = Path(mp.__file__).parent / "modules"
# (file in the mediapipe wheel, name inside the bundle, input mean, input std, number of outputs)
# The detector takes pixels scaled to [-1, 1], the landmark model pixels scaled to [0, 1].
_PARTS = (
    ("pose_detection/pose_detection.tflite", "pose_detector.tflite", 127.5, 127.5, 2),
    ("pose_landmark/pose_landmark_full.tflite", "pose_landmarks_detector.tflite", 0.0, 255.0, 5),
)


def _with_metadata(model: Path, mean: float, std: float, outputs: int) -> bytes:
    writer = metadata_writer.MetadataWriter.create(bytearray(model.read_bytes()))
    writer.add_general_info(model.stem, "BlazePose model from mediapipe 0.10.21").add_image_input([mean], [std])
    for i in range(outputs):
        writer.add_feature_output(name=f"output_{i}")
    return bytes(writer.populate()[0])


def build_task_bundle(out_path: Path) -> Path:
    """Write the bundle to out_path and return it.

    Raises:
        FileNotFoundError: if this mediapipe has no bundled pose models (releases after 0.10.21).
    """
    files = {}
    for rel, name, mean, std, outputs in _PARTS:
        src = _MODULES / rel
        if not src.is_file():
            raise FileNotFoundError(f"{src}: this mediapipe release ships no bundled pose model")
        files[name] = _with_metadata(src, mean, std, outputs)
    out_path = Path(out_path)
    model_asset_bundle_utils.create_model_asset_bundle(files, str(out_path))
    return out_path


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m pose.task_bundle OUT.task")
    print(build_task_bundle(Path(sys.argv[1])))
