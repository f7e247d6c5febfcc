"""Names a package offers but loads on first use (PEP 562), so importing the
package costs nothing until one of them is asked for: the monitor's first
frame needs the download options, not the transfer and its HTTP client."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(
    namespace: MutableMapping[str, Any], homes: Mapping[str, str], offered: Sequence[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's ``__getattr__`` and ``__dir__``: each name of ``homes`` is
    imported from its module when first asked for, then kept in ``namespace``."""
    package = namespace.get("__name__", "?")

    def get(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        namespace[name] = value  # later look-ups skip this function
        return value

    def names() -> list[str]:
        return sorted([*namespace, *offered])

    return get, names
