"""Resuming an interrupted batch: which clips an output file already holds, and cutting off a torn last line.

A row whose worker was killed (pose.workers.WORKER_DIED) is not a finished clip: the kill may have come from
memory pressure that is gone now, so resuming drops that row and scores the clip again.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

from pose.workers import WORKER_DIED


def _complete_lines(text: str) -> list[str]:
    # A crash mid-write can leave a last line without its newline; it is dropped and the clip scored again.
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]]


def finished_files(out_path: Path, fmt: str) -> set[str]:
    """The `file` of every complete, parseable row in an existing output file; repairs a torn tail in place.

    Torn lines and rows of clips whose worker was killed are removed from the file (those clips are scored again).

    Args:
        out_path: the --out file of an earlier run (missing is fine: nothing finished).
        fmt: "jsonl" or "csv".
    """
    path = Path(out_path)
    if not path.is_file():
        return set()
    text = path.read_text(encoding="utf-8", errors="replace")
    kept: list[str] = []
    done: set[str] = set()
    lines = _complete_lines(text)
    if fmt == "csv" and lines:
        kept.append(lines[0])
        lines = lines[1:]
    for line in lines:
        try:
            if fmt == "jsonl":
                row = json.loads(line)
                name, error = row["file"], row.get("error")
            else:
                cells = next(csv.reader(io.StringIO(line)))
                name, error = cells[0], cells[-1]
        except (ValueError, KeyError, TypeError, StopIteration, IndexError):
            continue
        if isinstance(error, str) and error.endswith(WORKER_DIED):
            continue
        kept.append(line)
        done.add(name)
    if "".join(kept) != text:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.writelines(kept)
        os.replace(tmp, path)
    return done


def append_line(f, line: str) -> None:
    """Write one whole result line and push it to disk, so a finished clip survives a crash right after."""
    f.write(line)
    f.flush()
    try:
        os.fsync(f.fileno())
    except (OSError, io.UnsupportedOperation):
        pass  # stdout to a pipe or terminal cannot be synced; nothing to lose there
