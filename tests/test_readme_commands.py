"""Every `formcheck` command the README shows exists: each answers --help with exit status 0.

The README is what a clinic follows; a command that moved or was renamed must fail here, not for them. What the
commands do is tested elsewhere (tests/test_cli.py, tests/store/test_cli.py, tests/test_cluster.py, the benches).
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import main

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# `.venv/bin/formcheck CMD [SUB]` in code blocks and inline code; SUB only where the command has subcommands.
GROUPS = {"user", "db", "bench"}


def readme_commands() -> list[tuple[str, ...]]:
    found = set()
    for m in re.finditer(r"\.venv/bin/formcheck ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?", README):
        cmd, sub = m.groups()
        found.add((cmd, sub) if cmd in GROUPS and sub else (cmd,))
    return sorted(found)


def test_the_readme_shows_commands():
    # The scan itself must find what the README is known to show, or the table below would test nothing.
    assert {("score",), ("exercises",), ("user", "create"), ("bench", "speed")} <= set(readme_commands())


@pytest.mark.parametrize("command", readme_commands(), ids=" ".join)
def test_readme_command_answers_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0, capsys.readouterr().err
    assert capsys.readouterr().out.startswith("usage: formcheck " + " ".join(command))


def test_the_console_script_runs_the_cli():
    # One real process through the installed entry point (pyproject's [project.scripts]), as the README runs it.
    proc = subprocess.run([str(Path(sys.executable).parent / "formcheck"), "--help"], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0 and proc.stdout.startswith("usage: formcheck"), proc.stderr
