"""The catalogue of quarantine error codes: every code the product can give a file is listed
once with its meaning, the schema allows exactly those, and docs/errors.md is generated from it."""
from __future__ import annotations

import ast
from pathlib import Path

from filingflow.docs import ERRORS_DOC, render_errors_markdown
from filingflow.error_codes import ERROR_CODE_LIST, ERROR_CODES
from filingflow.schema import TABLES

ROOT = Path(__file__).resolve().parents[3]
ERROR_CLASSES = {"ParseError", "FetchError"}


def _strings(node: ast.AST) -> list[str]:
    """The string constants an expression can evaluate to (a constant, or either arm of `a if c else b`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def codes_in_source(tree: ast.AST) -> set[str]:
    """Codes a module gives files: ParseError/FetchError(code, ...), InputFile(..., (code, detail)),
    `x.error = code` (alone or in a tuple assignment) and `code = ...` in discovery."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name in ERROR_CLASSES and node.args:
                found.update(_strings(node.args[0]))
            elif name == "InputFile" and len(node.args) == 4 and isinstance(node.args[3], ast.Tuple):
                found.update(_strings(node.args[3].elts[0]))
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                    pairs = zip(target.elts, node.value.elts)
                else:
                    pairs = [(target, node.value)]
                for left, right in pairs:
                    if (isinstance(left, ast.Attribute) and left.attr == "error") or (
                            isinstance(left, ast.Name) and left.id == "code"):
                        found.update(_strings(right))
    return found


def all_codes_in_source() -> dict[str, list[str]]:
    where: dict[str, list[str]] = {}
    for package in ("filingflow", "flows", "transforms"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for code in codes_in_source(ast.parse(path.read_text(encoding="utf-8"))):
                where.setdefault(code, []).append(str(path.relative_to(ROOT)))
    return where


def test_every_code_given_to_a_file_is_in_the_catalogue():
    raised = all_codes_in_source()
    assert {"truncated", "unrecognized_format", "parse_timeout", "symlink_loop", "fetch_failed"} <= set(raised)
    assert {code: files for code, files in raised.items() if code not in ERROR_CODES} == {}


def test_every_catalogued_code_is_given_somewhere():
    assert sorted(set(ERROR_CODES) - set(all_codes_in_source())) == []


def test_one_spelling_for_a_file_too_large():
    assert "file_too_large" in ERROR_CODES and "too_large" not in ERROR_CODES
    assert "too_large" not in all_codes_in_source()


def test_the_scanner_reads_every_way_a_code_is_given():
    source = '''
raise ParseError("a_code", "detail")
raise FetchError("b_code" if x else "c_code", detail)
files.append(InputFile(path, 0, None, ("d_code", "detail")))
outcome.stage, outcome.error = "read", "e_code"
outcome.error = "f_code"
code = "g_code" if loop else "h_code"
other = "not_a_code"
'''
    assert codes_in_source(ast.parse(source)) == {f"{c}_code" for c in "abcdefgh"}


def test_quarantine_error_allows_exactly_the_catalogue():
    assert TABLES["quarantine"].column_index["error"].allowed == tuple(ERROR_CODES)
    assert all(e.meaning.endswith(".") and e.code.islower() for e in ERROR_CODE_LIST)


def test_errors_doc_is_generated_from_the_catalogue():
    text = render_errors_markdown()
    assert ERRORS_DOC.read_text() == text, "run `make docs` (python -m filingflow.docs)"
    for error in ERROR_CODE_LIST:
        assert f"| `{error.code}` | " in text
    assert "## Reading the filing" in text
