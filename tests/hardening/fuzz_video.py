"""Mutation fuzzing of the video reader: damaged copies of a valid clip must give frames or a VideoError.

`mutants` makes the damaged files (seeded, so a failure can be replayed). Reading them runs in a child
process (`python -m tests.hardening.fuzz_video FILE...`) so that a hang inside FFmpeg cannot take the test
run with it: the child prints a line before and after each file, and the parent knows which file hung.
"""

from __future__ import annotations

import json
import math
import signal
import struct
import sys
import time
from pathlib import Path

import numpy as np

# Box types worth aiming at in an mp4: sizes and counts in these steer the demuxer's allocations and loops.
_BOXES = (b"moov", b"trak", b"mdia", b"minf", b"stbl", b"stsd", b"stts", b"stsc", b"stsz", b"stco", b"ctts",
          b"stss", b"mvhd", b"tkhd", b"mdhd", b"hdlr", b"avcC", b"elst", b"mdat")
# A hang, not a slow read: the slowest mutant decodes its 735 frames in 3.8-6.4 s on an idle 2-core machine, and took
# over 10 s on a CI run where the machine ran at half speed.
PER_FILE_TIMEOUT_S = 30


def _box_offsets(data: bytes) -> list[int]:
    """Offsets of the 4-byte size fields of known mp4 boxes."""
    out = []
    for tag in _BOXES:
        start = 0
        while (i := data.find(tag, start)) >= 4:
            out.append(i - 4)
            start = i + 1
    return sorted(out)


def mutate(data: bytes, rng: np.random.Generator) -> tuple[bytes, str]:
    """One random kind of damage; returns the damaged bytes and a description."""
    b = bytearray(data)
    n = len(b)
    kind = rng.integers(0, 8)
    if kind == 0:
        k = int(rng.integers(1, 32))
        at = rng.integers(0, n, k)
        for i in at:
            b[i] ^= 1 << int(rng.integers(0, 8))
        return bytes(b), f"flip {k} bits"
    if kind == 1:
        cut = int(rng.integers(1, n))
        return bytes(b[:cut]), f"truncate at {cut}"
    if kind == 2:
        at, k = int(rng.integers(0, n)), int(rng.integers(1, 4096))
        return bytes(b[:at]) + rng.integers(0, 256, k, dtype=np.uint8).tobytes() + bytes(b[at:]), f"insert {k} at {at}"
    if kind == 3:
        a = int(rng.integers(0, n))
        k = int(rng.integers(1, max(2, n // 8)))
        del b[a:a + k]
        return bytes(b), f"delete {k} at {a}"
    if kind == 4:
        a = int(rng.integers(0, n))
        k = int(rng.integers(1, max(2, n // 4)))
        b[a:a + k] = bytes(min(k, n - a))
        return bytes(b), f"zero {k} at {a}"
    if kind == 5:
        a, k = int(rng.integers(0, n)), int(rng.integers(1, 2048))
        chunk = bytes(b[a:a + k])
        at = int(rng.integers(0, n))
        return bytes(b[:at]) + chunk + bytes(b[at:]), f"duplicate {k} from {a} to {at}"
    boxes = _box_offsets(data)
    if kind == 6 and boxes:
        at = boxes[int(rng.integers(0, len(boxes)))]
        value = int(rng.choice([0, 1, 7, 8, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, int(rng.integers(0, 2**32))]))
        b[at:at + 4] = struct.pack(">I", value)
        return bytes(b), f"box size at {at} = {value}"
    if boxes:
        # A count or field just inside a box (entry counts, timescales, durations): a large or zero value.
        at = boxes[int(rng.integers(0, len(boxes)))] + 8 + 4 * int(rng.integers(0, 6))
        value = int(rng.choice([0, 1, 0x7FFFFFFF, 0xFFFFFFFF, int(rng.integers(0, 2**32))]))
        b[at:at + 4] = struct.pack(">I", value)[: max(0, min(4, n - at))]
        return bytes(b[:n]), f"field at {at} = {value}"
    return bytes(b), "unchanged"


def mutants(seed_file: Path, folder: Path, count: int, seed: int = 0) -> dict[Path, str]:
    """Write `count` damaged copies of `seed_file` into `folder`; returns path -> what was done to it."""
    data = seed_file.read_bytes()
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for i in range(count):
        damaged, what = mutate(data, rng)
        path = folder / f"mutant_{i:04d}{seed_file.suffix}"
        path.write_bytes(damaged)
        out[path] = what
    return out


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def read_one(path: Path) -> dict:
    """Probe and decode one file: the outcome as a dict (frames read, or the error and its kind)."""
    from pose.video import VideoError, iter_video, probe

    t0 = time.monotonic()
    try:
        info = probe(path)
        n, last_t = 0, -math.inf
        for frame in iter_video(path, max_side_px=64):
            assert frame.rgb.dtype == np.uint8 and frame.rgb.ndim == 3 and frame.rgb.shape[2] == 3, frame.rgb.shape
            assert max(frame.rgb.shape[:2]) <= 64 and min(frame.rgb.shape[:2]) >= 1, frame.rgb.shape
            assert math.isfinite(frame.t_s) and frame.t_s > last_t, (frame.t_s, last_t)
            last_t = frame.t_s
            n += 1
        outcome = {"outcome": "frames", "frames": n, "width": info.width, "height": info.height}
    except VideoError as exc:
        outcome = {"outcome": "error", "error": str(exc)}
    except _Timeout:
        outcome = {"outcome": "timeout"}
    except Exception as exc:  # noqa: BLE001 - any other exception is what this harness looks for
        outcome = {"outcome": "crash", "error": f"{type(exc).__name__}: {exc}"[:500]}
    outcome["seconds"] = round(time.monotonic() - t0, 3)
    return outcome


def main(argv: list[str]) -> int:
    """Read each file named in `argv`, printing a JSON line before and after each."""
    signal.signal(signal.SIGALRM, _alarm)
    for name in argv:
        print(json.dumps({"start": name}), flush=True)
        signal.alarm(PER_FILE_TIMEOUT_S)
        try:
            outcome = read_one(Path(name))
        finally:
            signal.alarm(0)
        print(json.dumps({"file": name, **outcome}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
