"""Registries of the named things a spec refers to: signals, side rules, facing rules, postures.

A spec names what it uses; a registry turns the name into the thing. An unknown name is a ValueError that says
what came and lists the valid names, and ExerciseSpec checks every name it holds when it is built, so a typo in a
spec fails at import, not on the first frame.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Generic, TypeVar

T = TypeVar("T")


def unknown_name(kind: str, name: object, valid: Iterable[str], where: str | None = None) -> ValueError:
    """The error for a name that is not one of `valid`.

    Args:
        kind: what the name names, e.g. "signal".
        name: the name that came.
        valid: the names expected, in the order to list them.
        where: the spec and field the name came from, e.g. "exercise 'wall_squat': side_rule"; None for a look-up
            outside a spec.
    """
    said = f"{where} {name!r} is not a known {kind}" if where else f"unknown {kind} {name!r}"
    return ValueError(f"{said}; expected one of {', '.join(valid)}")


def look_up(table: Mapping[str, T], name: str, kind: str) -> T:
    """`table[name]`, or a ValueError listing the table's names in its own order.

    Raises:
        ValueError: for a name the table does not hold.
    """
    try:
        return table[name]
    except (KeyError, TypeError):  # TypeError: an unhashable "name"
        raise unknown_name(kind, name, table) from None


def check_name(name: object, valid: Iterable[str], kind: str, where: str) -> None:
    """Raise unless `name` is one of `valid` (e.g. the values of a Literal type).

    Raises:
        ValueError: naming `where`, the name that came and the valid names.
    """
    valid = tuple(valid)
    if name not in valid:
        raise unknown_name(kind, name, valid, where)


class Registry(Generic[T]):
    """Things of one kind by name, each registered where it is defined (see `register`)."""

    def __init__(self, kind: str) -> None:
        """An empty registry of things of one `kind` (said in error messages, e.g. "side rule")."""
        self.kind = kind
        self._items: dict[str, T] = {}

    def add(self, name: str, item: T) -> T:
        """Register `item` under `name`.

        Raises:
            ValueError: if the name is taken (two things of one kind with one name would be a silent swap).
        """
        if name in self._items:
            raise ValueError(f"{self.kind} {name!r} is registered twice")
        self._items[name] = item
        return item

    def register(self, name: str) -> Callable[[T], T]:
        """A decorator registering what it decorates under `name`."""
        return lambda item: self.add(name, item)

    def names(self) -> tuple[str, ...]:
        """All registered names, sorted."""
        return tuple(sorted(self._items))

    def get(self, name: str) -> T:
        """The thing registered under `name`.

        Raises:
            ValueError: for an unknown name, listing the valid ones.
        """
        try:
            return self._items[name]
        except (KeyError, TypeError):
            raise unknown_name(self.kind, name, self.names()) from None

    def check(self, name: object, where: str) -> None:
        """Raise unless `name` is registered.

        Args:
            name: the name that came.
            where: the spec and field it came from, e.g. "exercise 'wall_squat': side_rule".

        Raises:
            ValueError: naming `where`, the name that came and the valid names.
        """
        check_name(name, self.names(), self.kind, where)
