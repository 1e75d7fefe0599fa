"""Two places where Great Expectations repeats work whose result it already has; `install()` makes
it reuse the result, so that what GX computes and renders stays exactly what it was.

- An expectation's configuration, built once per question, not once per keyword. GX answers
  "what are this expectation's domain, success and runtime keywords" by reading
  `Expectation.configuration` once for every keyword of every kind: each read turns the whole
  expectation into a dict and then into JSON-safe values, ten reads per expectation and metric,
  most of what GX spends building a suite's metric graph. Within one such question nothing
  changes the expectation: its keyword helpers now read the configuration once and reuse it until
  they return. Outside them `configuration` is GX's: a fresh object on every read.

- Data Docs templates compiled once per run, not once per page kind. Each of GX's Data Docs views
  (index, suite pages, validation pages) has a Jinja environment of its own, which compiles the
  same templates again; the views now share one in-memory bytecode cache. Jinja checks each
  cached template against its source's checksum, and the views' environments are configured alike."""
from __future__ import annotations

import functools
import threading

import jinja2
import jinja2.bccache

# The helpers that only read keywords of the configuration (great_expectations 1.24).
KWARG_HELPERS = ("_get_runtime_kwargs", "_get_success_kwargs", "_get_domain_kwargs", "_get_success_kwarg")

_asked = threading.local()  # .expectation, .configuration: the question being answered in this thread
_installing = threading.Lock()


def install() -> None:
    """Both speedups (idempotent; the flow calls it from a thread that imports GX ahead of validation)."""
    with _installing:
        _configuration_once()
        _shared_templates()


def _configuration_once() -> None:
    from great_expectations.expectations.expectation import Expectation

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


class SharedBytecode(jinja2.BytecodeCache):
    """Compiled Data Docs templates, shared by every view's Jinja environment."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}
        self.lock = threading.Lock()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with self.lock:
            code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # discarded by Jinja when the source's checksum differs

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with self.lock:
            self.code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        with self.lock:
            self.code.clear()


TEMPLATES = SharedBytecode()


def _shared_templates() -> None:
    from great_expectations.render.view.view import DefaultJinjaView

    if getattr(DefaultJinjaView, "_filingflow_shared_templates", False):
        return
    init = DefaultJinjaView.__init__

    @functools.wraps(init)
    def shared_init(self, *args, **kwargs) -> None:
        init(self, *args, **kwargs)
        self.env.bytecode_cache = TEMPLATES

    DefaultJinjaView.__init__ = shared_init
    DefaultJinjaView._filingflow_shared_templates = True
