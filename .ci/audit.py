#!/usr/bin/env python3
"""Dependency audit run by `make test`: known vulnerabilities in the packages installed in the project's venv.

pip-audit looks every installed package up in PyPI's advisory data, so it needs the network. The outcome is one
of three, said plainly on stdout:

- no known vulnerability, or only ones accepted in .ci/audit-ignore.toml (each with its reason): exit 0;
- any other finding: each is listed with the versions that fix it, exit 1 (the build fails);
- the audit could not be done (no network, advisory service unreachable): said so, exit 0, unless
  FORMCHECK_AUDIT_REQUIRED=1 (exit 1: for a CI that has network and must not pass unaudited).

Run it with the venv's python: `.venv/bin/python .ci/audit.py`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

IGNORE_FILE = Path(__file__).resolve().parent / "audit-ignore.toml"
TIMEOUT_S = 600


def load_ignored(path: Path = IGNORE_FILE) -> dict[str, dict]:
    """Accepted findings by id and alias, from the ignore file; each must give its reason."""
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("ignore", []) if path.is_file() else []
    out = {}
    for e in entries:
        if not e.get("reason"):
            raise SystemExit(f"audit: {path.name}: entry {e.get('id')!r} has no reason")
        for vid in [e["id"], *e.get("aliases", [])]:
            out[vid] = e
    return out


def _not_done(why: str) -> int:
    print(f"dependency audit NOT DONE: {why}")
    print("  (pip-audit needs network access to pypi.org; run `make audit` where there is network)")
    return 1 if os.environ.get("FORMCHECK_AUDIT_REQUIRED") == "1" else 0


def main() -> int:
    """Run pip-audit on this interpreter's environment and judge its findings; returns the exit status."""
    cmd = [sys.executable, "-m", "pip_audit", "--skip-editable", "--format", "json", "--progress-spinner", "off"]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return _not_done(f"pip-audit took longer than {TIMEOUT_S} s")
    if "No module named pip_audit" in done.stderr:
        return _not_done("pip-audit is not installed (pip install -e '.[test]')")
    try:
        report = json.loads(done.stdout)
    except ValueError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return _not_done(f"pip-audit failed: {last[:200]}")
    status, lines = judge(report, load_ignored())
    if status is None:
        return _not_done(lines[0])
    print("\n".join(lines))
    return status


def judge(report: dict, ignored: dict[str, dict]) -> tuple[int | None, list[str]]:
    """Judge pip-audit's JSON report: (exit status, lines to print); status None when nothing could be checked."""
    deps = report.get("dependencies", [])
    skipped = [d for d in deps if d.get("skip_reason")]
    audited = [d for d in deps if not d.get("skip_reason")]
    if not audited:
        reason = skipped[0]["skip_reason"] if skipped else "no packages found"
        return None, [f"none of {len(deps)} packages could be looked up ({reason})"]
    failing, accepted = [], []
    for d in audited:
        for v in d.get("vulns", []):
            ids = [v["id"], *v.get("aliases", [])]
            entry = next((ignored[i] for i in ids if i in ignored), None)
            row = (d["name"], d["version"], " / ".join(ids), ", ".join(v.get("fix_versions", [])) or "none")
            if entry is not None and entry.get("package", d["name"]).lower() == d["name"].lower():
                accepted.append((*row, " ".join(entry["reason"].split())))
            else:
                failing.append(row)
    lines = [f"dependency audit: {len(audited)} packages checked against PyPI's advisories, "
             f"{len(failing)} finding(s) to fix, {len(accepted)} accepted"]
    lines += [f"  VULNERABLE {n} {ver}: {ids}; fixed in {fixes}" for n, ver, ids, fixes in failing]
    lines += [f"  accepted   {n} {ver}: {ids}; fixed in {fixes}. Why: {why}" for n, ver, ids, fixes, why in accepted]
    lines += [f"  not checked {d['name']}: {d['skip_reason']}" for d in skipped]
    return (1 if failing else 0), lines


if __name__ == "__main__":
    sys.exit(main())
