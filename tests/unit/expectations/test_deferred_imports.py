"""Deferred imports: modules Great Expectations imports but filingflow never uses stay unimported
until something uses them, and a use gets the real module."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from expectations.deferred_imports import Deferred, defer

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def fresh_modules():
    """Stdlib modules this test defers, out of sys.modules before and after (as if never imported)."""
    names = ("tabnanny", "wsgiref", "wsgiref.simple_server", "wsgiref.util")
    saved = {name: sys.modules.pop(name) for name in names if name in sys.modules}
    yield
    for name in names:
        sys.modules.pop(name, None)
    sys.modules.update(saved)


def test_a_deferred_module_loads_on_first_use(fresh_modules):
    defer(("tabnanny",))
    stand_in = sys.modules["tabnanny"]
    assert isinstance(stand_in, Deferred)
    import tabnanny  # the stand-in, still not run

    assert tabnanny is stand_in and "check" not in vars(stand_in)
    assert callable(tabnanny.check)  # the first use imports it
    real = sys.modules["tabnanny"]
    assert not isinstance(real, Deferred) and real.check is tabnanny.check
    assert tabnanny.NannyNag is real.NannyNag  # the stand-in now holds the real module's names


def test_a_submodule_of_a_deferred_package_imports_the_real_package(fresh_modules):
    defer(("wsgiref",))
    from wsgiref.util import guess_scheme

    assert guess_scheme({}) == "http"
    assert not isinstance(sys.modules["wsgiref"], Deferred)
    assert sys.modules["wsgiref"].util is sys.modules["wsgiref.util"]


def test_imported_or_missing_modules_are_left_alone(fresh_modules):
    import json

    defer(("json", "no_such_module_here"))
    assert sys.modules["json"] is json
    assert "no_such_module_here" not in sys.modules


def test_great_expectations_starts_without_scipy_stats_or_altair_and_uses_them_when_asked():
    """In a process of its own: the test session may have imported either already."""
    code = textwrap.dedent("""
        import sys
        from expectations.runner import import_rules
        from expectations.deferred_imports import Deferred
        import_rules()
        print(isinstance(sys.modules["scipy.stats"], Deferred), isinstance(sys.modules["altair"], Deferred),
              "scipy.stats._stats_py" in sys.modules)
        from great_expectations.expectations.core import expect_column_kl_divergence_to_be_less_than as kl
        print(round(float(kl.stats.entropy([1, 1], [1, 2])), 6), kl.alt.Chart.__name__,
              isinstance(sys.modules["scipy.stats"], Deferred))
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GX_ANALYTICS_ENABLED": "false"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=300, check=True).stdout.split("\n")
    assert out[0] == "True True False"
    assert out[1] == "0.058892 Chart False"
