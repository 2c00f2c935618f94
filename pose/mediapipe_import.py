"""Import mediapipe without the plotting library it imports for drawing helpers formcheck never calls.

`import mediapipe` imports `mediapipe.python.solutions.drawing_utils`, which imports `matplotlib.pyplot` at the
top, for its 3D plotting helper. That is 0.3-0.5 s of the 0.5-0.8 s the import takes here (fresh processes, one at
a time: 0.50-0.78 s with matplotlib, 0.17-0.30 s without), paid by every batch worker, every live pose worker and
every `formcheck score` before its first frame. Until something uses matplotlib, stand-ins sit in its place; the
first attribute anyone reads from either imports the real library and hands over to it, so code that does plot
still gets real matplotlib.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

_NAMES = ("matplotlib", "matplotlib.pyplot")


class _OnDemand(types.ModuleType):
    """A module that imports the real one of its name the first time an attribute is missing from it."""

    def __getattr__(self, name: str) -> Any:
        return getattr(_import_real(self.__name__), name)


def _remove_stand_ins() -> None:
    for key in _NAMES:
        if isinstance(sys.modules.get(key), _OnDemand):
            del sys.modules[key]


def _import_real(name: str) -> types.ModuleType:
    _remove_stand_ins()  # so the import system finds the real modules
    return importlib.import_module(name)


def import_mediapipe() -> types.ModuleType:
    """`import mediapipe`, with matplotlib imported only when something uses it."""
    if "mediapipe" in sys.modules:
        return sys.modules["mediapipe"]
    placed = "matplotlib" not in sys.modules
    if placed:
        package, pyplot = _OnDemand("matplotlib"), _OnDemand("matplotlib.pyplot")
        # `import matplotlib.pyplot as plt` binds the package's `pyplot`: found here without a real import.
        package.__dict__["pyplot"] = pyplot
        sys.modules["matplotlib"], sys.modules["matplotlib.pyplot"] = package, pyplot
    try:
        return importlib.import_module("mediapipe")
    except BaseException:
        if placed:  # a failed import leaves nothing of ours behind
            _remove_stand_ins()
        raise
