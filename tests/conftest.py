"""The whole suite runs with an empty $HOME of its own, as on a fresh machine.

Nothing a test does may depend on what a developer's home folder holds (a Ray token, a landmark cache, a
database), and nothing may be written into it. Pointing HOME (and the XDG folders) at an empty temp folder
before any test or subprocess starts gives both: a test that needs something makes it, and the user's home is
never touched. What the suite left in that folder is listed at the end, so a new dependence on $HOME shows.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Under pytest-xdist (`make test` runs the suite in parallel processes) the workers inherit the controller's
# environment: they share its temp HOME, so the listing at the end covers them all and one process removes it.
_IS_WORKER = "PYTEST_XDIST_WORKER" in os.environ and "FORMCHECK_TEST_HOME" in os.environ
_TEST_HOME = Path(os.environ["FORMCHECK_TEST_HOME"] if _IS_WORKER else tempfile.mkdtemp(prefix="formcheck-test-home-"))
os.environ["HOME"] = os.environ["FORMCHECK_TEST_HOME"] = str(_TEST_HOME)
for _var in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
    os.environ.pop(_var, None)


def pytest_terminal_summary(terminalreporter):
    left = sorted(str(p.relative_to(_TEST_HOME)) for p in _TEST_HOME.rglob("*") if p.is_file())
    if left:
        terminalreporter.write_line(f"files the suite wrote under $HOME ({_TEST_HOME}), a temp folder: "
                                    + ", ".join(left[:20]) + (" ..." if len(left) > 20 else ""))


def pytest_collection_modifyitems(config, items):
    # Browser tests measure frames per second and click through a live server: `make test` runs them on their own,
    # after the rest has run in parallel, so a busy neighbour never slows them into a failure.
    for item in items:
        path = item.path
        if "browser" in path.parent.name or path.stem.endswith("_browser"):
            item.add_marker(pytest.mark.browser)


def pytest_unconfigure(config):
    if not _IS_WORKER:
        shutil.rmtree(_TEST_HOME, ignore_errors=True)
