"""constraints.txt pins what `make` installs: every dependency pyproject.toml names, within pyproject's ranges."""

import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
# The extras `make` installs (Makefile: pip install -c constraints.txt -e '.[test,ray]').
EXTRAS = ("test", "ray")


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version.strip()
    return pins


def _required() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(r) for r in (*project["dependencies"], *(r for e in EXTRAS
                                                                    for r in project["optional-dependencies"][e]))]


@pytest.mark.parametrize("req", _required(), ids=str)
def test_every_dependency_is_pinned_within_pyprojects_range(req):
    pins = _pins()
    name = canonicalize_name(req.name)
    assert name in pins, f"{req.name} is not in constraints.txt: run `make lock`"
    assert req.specifier.contains(pins[name], prereleases=True), \
        f"constraints.txt pins {req.name}=={pins[name]}, outside pyproject's {req.specifier}"


def test_the_installed_packages_are_the_pinned_versions():
    # `make` installs with the constraints; a package at another version means the suite is not testing what a
    # fresh machine gets.
    off, checked = [], set()
    for name, version in _pins().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
        checked.add(name)
        if installed != version:
            off.append(f"{name} {installed} (pinned {version})")
    assert not off, "installed at other versions than constraints.txt: " + ", ".join(off)
    assert {canonicalize_name(r.name) for r in _required()} <= checked
