"""Uploaded clips: bounded in size, checked by content as well as by name, stored under a generated name.

An upload is only ever decoded as video (pose.video), never executed, imported or unpickled. Its name is the
user's and never becomes a path; its content must start like the container its name claims, so a text file
named .mp4 (an FFmpeg playlist or file list that would make the decoder read other files) is refused before any
decoder sees it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

UPLOAD_TYPES = ("mp4", "mov", "webm", "m4v")
# The same limit is the server's (.streamlit/config.toml server.maxUploadSize), so a larger file is refused
# before it is held in memory; this check covers a server started with another setting.
MAX_UPLOAD_MB = 200
# ISO base media (mp4, mov, m4v): the second 4 bytes name the first box. QuickTime files may start with a box
# other than ftyp.
_ISO_FIRST_BOXES = (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")
_EBML_MAGIC = b"\x1aE\xdf\xa3"  # Matroska / WebM


class UploadError(ValueError):
    """An upload that is refused; the message is one line for the user."""


def _container_of(head: bytes) -> str | None:
    if len(head) >= 8 and head[4:8] in _ISO_FIRST_BOXES:
        return "iso"
    if head.startswith(_EBML_MAGIC):
        return "matroska"
    return None


def check_upload(data: bytes, original_name: str, max_mb: float = MAX_UPLOAD_MB) -> str:
    """Check an upload; returns the file type to store it as ("mp4", "mov", "webm" or "m4v").

    Raises:
        UploadError: too large, empty, a name without an allowed type, or content that is not that container.
    """
    shown = Path(original_name).name[:80] or "the file"
    if len(data) > max_mb * 2**20:
        raise UploadError(f"{shown} is {len(data) / 2**20:.0f} MB; the limit is {max_mb:g} MB. Trim the clip to the "
                          "exercise itself, or record at a lower resolution.")
    if not data:
        raise UploadError(f"{shown} is empty.")
    suffix = Path(original_name).suffix.lower().lstrip(".")
    if suffix not in UPLOAD_TYPES:
        raise UploadError(f"{shown}: only {', '.join(UPLOAD_TYPES)} videos can be uploaded.")
    expected = "matroska" if suffix == "webm" else "iso"
    if _container_of(data[:16]) != expected:
        raise UploadError(f"{shown} is not a {suffix} video (its content does not match its name).")
    return suffix


def save_upload(data: bytes, original_name: str, folder: Path) -> Path:
    """Check an upload and store it in `folder` under a name made from its content; returns the path.

    The same content is stored once. The file is written beside its final name and renamed, so a crash never
    leaves half a video under a name that scoring would pick up.

    Raises:
        UploadError: see check_upload.
    """
    suffix = check_upload(data, original_name)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{hashlib.sha256(data).hexdigest()[:24]}.{suffix}"
    if not path.exists():
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(path)
    return path
