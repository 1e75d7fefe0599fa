"""An expectation's configuration built once per question asked of it, not once per keyword.

Great Expectations answers "what are this expectation's domain, success and runtime keywords" by
reading `Expectation.configuration` once for every keyword of every kind: each read turns the
whole expectation into a dict and then into JSON-safe values (about 30 µs), ten reads per
expectation and metric. That is most of what GX spends building a suite's metric graph (0.3 to
0.4 CPU-s of a night's validation). Within one such question nothing changes the expectation, so
`install()` makes its keyword helpers read the configuration once and reuse it until they return:
the same keywords, from the same configuration, built once.

Outside those helpers `configuration` is GX's, unchanged: a fresh object on every read."""
from __future__ import annotations

import functools
import threading

# The helpers that only read keywords of the configuration (great_expectations 1.24).
KWARG_HELPERS = ("_get_runtime_kwargs", "_get_success_kwargs", "_get_domain_kwargs", "_get_success_kwarg")

_asked = threading.local()  # .expectation, .configuration: the question being answered in this thread
_installed = threading.Lock()


def install() -> None:
    """Make Expectation's keyword helpers build the configuration once per call (idempotent)."""
    from great_expectations.expectations.expectation import Expectation

    with _installed:
        if getattr(Expectation, "_filingflow_configuration_once", False):
            return
        built = Expectation.configuration.fget

        def configuration(self):
            if getattr(_asked, "expectation", None) is not self:
                return built(self)
            if _asked.configuration is None:
                _asked.configuration = built(self)
            return _asked.configuration

        for name in KWARG_HELPERS:
            setattr(Expectation, name, _one_configuration(getattr(Expectation, name)))
        Expectation.configuration = property(configuration, doc=Expectation.configuration.__doc__)
        Expectation._filingflow_configuration_once = True


def _one_configuration(helper):
    @functools.wraps(helper)
    def once(self, *args, **kwargs):
        if getattr(_asked, "expectation", None) is not None:  # within a helper already: its configuration
            return helper(self, *args, **kwargs)
        _asked.expectation, _asked.configuration = self, None
        try:
            return helper(self, *args, **kwargs)
        finally:
            _asked.expectation = _asked.configuration = None

    return once
