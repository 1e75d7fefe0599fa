"""Modules Great Expectations imports at start-up for features filingflow never uses, imported only
when something first uses them.

GX imports every expectation it ships when it starts: its KL-divergence expectation and its KS-test
metrics import scipy.stats, the KL-divergence renderer imports Altair. filingflow runs neither, and
importing them is about 0.9 of the 2.4 CPU-s GX takes to import. Each is put in `sys.modules` as a
stand-in module that imports the real one on the first attribute asked of it, so a use (by GX or
anything else) gets the real module, only later.

`importlib.util.LazyLoader` cannot do this: the import system reads `__spec__` of a module already in
`sys.modules` (`import altair` does), and any attribute read makes a lazy module load."""
from __future__ import annotations

import importlib
import importlib.util
import sys
import types

UNUSED_BY_FILINGFLOW = ("scipy.stats", "altair")


class Deferred(types.ModuleType):
    """Stands in for a module not imported yet; the first attribute read that the stand-in lacks
    imports the real module, which then takes the stand-in's place and lends it its attributes."""

    def __getattr__(self, attribute: str):
        return getattr(self.load(), attribute)

    def load(self) -> types.ModuleType:
        # Two threads may get here: the import system's own lock per module makes the second wait
        # for the first one's import and get its module.
        if sys.modules.get(self.__name__) is self:
            sys.modules.pop(self.__name__, None)  # so that the import below runs the module
        real = importlib.import_module(self.__name__)
        self.__dict__.update(real.__dict__)
        return real


def defer(names: tuple[str, ...] = UNUSED_BY_FILINGFLOW) -> None:
    """Stand-ins for the modules `names` not imported yet (a module imported already, or not
    installed, is left as it is)."""
    for name in names:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None:
            continue
        stand_in = Deferred(name)
        # What the import system reads of a module found in sys.modules; __path__ is left out, so
        # importing a submodule asks for it and loads the real package first.
        stand_in.__spec__, stand_in.__loader__ = spec, spec.loader
        stand_in.__package__ = spec.parent if spec.submodule_search_locations is None else name
        stand_in.__file__ = spec.origin
        sys.modules[name] = stand_in
