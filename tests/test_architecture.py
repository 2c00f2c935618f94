"""The layout the README's "How it is built" shows, where import-linter cannot look.

import-linter (run by `make lint`, so by `make test`) checks the packages' layers. app.py is a module at the top,
not a package, so its imports are checked here: it is the entry point and wires only the pages.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PRODUCT = ("pose", "exercises", "feedback", "store", "scoring", "cli", "bench", "app_pages", "synth")


def top_level_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module)
    return names


def test_app_is_a_short_entry_point_that_wires_only_pages():
    app = ROOT / "app.py"
    ours = {n for n in top_level_imports(app) if n.split(".")[0] in PRODUCT}
    # The pages, and the store's PermissionDenied, which the entry point turns into one message for any page.
    assert ours <= {"app_pages", "app_pages.common", "app_pages.menu", "store", "store.repo"}, ours
    assert len(app.read_text(encoding="utf-8").splitlines()) < 80


@pytest.mark.parametrize("package", ["store", "feedback", "exercises", "pose"])
def test_lower_layers_name_no_shell(package):
    # A belt to import-linter's braces, readable in a failing test: the lower layers never reach up to a shell.
    for path in (ROOT / package).rglob("*.py"):
        bad = {n for n in top_level_imports(path) if n.split(".")[0] in ("cli", "app_pages", "bench", "scoring", "app")}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"
