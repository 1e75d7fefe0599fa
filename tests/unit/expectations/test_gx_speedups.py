"""Expectation keywords from one configuration per question: the same domain, success and runtime
keywords as Great Expectations builds them, for every expectation of every suite, at a fraction
of the configurations built."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = textwrap.dedent("""
    import json, sys
    import great_expectations as gx
    from great_expectations.expectations.expectation import Expectation
    from expectations.runner import load_suite_files
    import expectations.balance, expectations.eight_k_rules, expectations.integrity_rules
    import expectations.ownership_rules, expectations.position_rules

    built = Expectation.configuration.fget
    count = [0]
    def counting(self):
        count[0] += 1
        return built(self)
    Expectation.configuration = property(counting)

    def answers():
        out = []
        for spec in load_suite_files():
            for e in gx.ExpectationSuite(**spec).expectations:
                out.append(repr((type(e).__name__, e._get_domain_kwargs(), e._get_success_kwargs(),
                                 e._get_runtime_kwargs(), e._get_runtime_kwargs({"result_format": "BASIC"}),
                                 e._get_success_kwarg("mostly"))))
        return out

    before, built_before = answers(), count[0]
    count[0] = 0
    from expectations import gx_speedups
    gx_speedups.install()
    gx_speedups.install()  # twice: still one wrapper
    after, built_after = answers(), count[0]
    print(json.dumps({"same": before == after, "n": len(before), "before": built_before, "after": built_after}))
""")


def test_keywords_equal_gx_own_with_far_fewer_configurations_built():
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GX_ANALYTICS_ENABLED": "false"}
    proc = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    assert found["same"] and found["n"] >= 90
    # One configuration per helper call (five calls per expectation), where GX builds one per keyword.
    assert found["after"] == 5 * found["n"]
    assert found["before"] > 2 * found["after"]


def test_configuration_outside_the_helpers_is_fresh_on_every_read():
    import great_expectations as gx

    from expectations import gx_speedups

    gx_speedups.install()
    expectation = gx.expectations.ExpectColumnValuesToNotBeNull(column="filing_id")
    first, second = expectation.configuration, expectation.configuration
    assert first is not second and first == second
    expectation.column = "row_index"  # a change is seen at once, inside a helper too
    assert expectation.configuration.kwargs["column"] == "row_index"
    assert expectation._get_domain_kwargs()["column"] == "row_index"


def test_each_thread_asks_its_own_question():
    import great_expectations as gx

    from expectations import gx_speedups

    gx_speedups.install()
    columns = [f"c{i}" for i in range(8)]
    expectations = [gx.expectations.ExpectColumnValuesToBeInSet(column=c, value_set=[c, "x"]) for c in columns]
    seen: dict[str, list] = {c: [] for c in columns}

    def ask(i: int) -> None:
        for _ in range(200):
            kwargs = expectations[i]._get_runtime_kwargs()
            seen[columns[i]].append((kwargs["column"], kwargs["value_set"]))

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(columns))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(answers == [(c, [c, "x"])] * 200 for c, answers in seen.items())


def test_data_docs_views_compile_each_template_once_and_render_the_same(monkeypatch):
    import re

    import jinja2
    from great_expectations.render.components import RenderedDocumentContent
    from great_expectations.render.view.view import DefaultJinjaIndexPageView, DefaultJinjaPageView

    from expectations import gx_speedups

    compiled: list[str] = []
    compile_ = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return compile_(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    page = RenderedDocumentContent(sections=[], page_title="filings.basic", utm_medium="validation-results-page",
                                   renderer_type="ValidationResultsPageRenderer", expectation_suite_name="filings.basic")

    def render(view) -> str:  # GX stamps the time of the rendering into the page
        return re.sub(r"[0-9]{8}T[0-9]{6}[.][0-9]+Z", "TIME", view.render(page))

    alone = DefaultJinjaPageView()
    alone.env.bytecode_cache = None  # as GX has it
    expected = render(alone)
    assert "filings.basic" in expected
    compiled.clear()
    gx_speedups.install()
    gx_speedups.TEMPLATES.clear()  # as a run's process starts: nothing compiled yet
    first, second = DefaultJinjaPageView(), DefaultJinjaIndexPageView()
    assert first.env.bytecode_cache is second.env.bytecode_cache is gx_speedups.TEMPLATES
    assert render(first) == expected
    once = list(compiled)
    assert once  # compiled by the first view ...
    assert render(DefaultJinjaPageView()) == expected
    assert compiled == once  # ... and by no other
    second._get_template("page.j2")
    assert compiled == once
