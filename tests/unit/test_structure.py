"""Module structure of the product packages: imports run one way (no import cycle,
function-level imports included) and no module uses another module's private (`_x`) names."""
from __future__ import annotations

import ast
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("filingflow", "flows", "transforms", "expectations")


def module_files(root: Path) -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            name = ".".join(path.relative_to(root).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    return modules


def _base_of(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    package = package[:len(package) - node.level + 1]
    return ".".join(package + ([node.module] if node.module else []))


def analyse(root: Path = ROOT) -> tuple[dict[str, set[str]], set[tuple[str, str, str]]]:
    """The import graph (every import statement, wherever it stands) and the private names each
    module uses from another: (user, owner, name)."""
    modules = module_files(root)
    graph: dict[str, set[str]] = {m: set() for m in modules}
    private: set[tuple[str, str, str]] = set()
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # local name -> (module it comes from, name in that module or None for the module itself)
        names: dict[str, tuple[str, str | None]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in modules:
                        graph[module].add(alias.name)
                        if alias.asname:
                            names[alias.asname] = (alias.name, None)
            elif isinstance(node, ast.ImportFrom):
                base = _base_of(module, path, node)
                for alias in node.names:
                    local = alias.asname or alias.name
                    if f"{base}.{alias.name}" in modules:
                        graph[module].add(f"{base}.{alias.name}")
                        names[local] = (f"{base}.{alias.name}", None)
                    elif base in modules:
                        graph[module].add(base)
                        names[local] = (base, alias.name)
                        if _private(alias.name):
                            private.add((module, base, alias.name))
        for node in ast.walk(tree):
            # module._name, and Class._name on a class imported from another module
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and _private(node.attr):
                origin = names.get(node.value.id)
                if origin is not None:
                    private.add((module, origin[0], node.attr if origin[1] is None else f"{origin[1]}.{node.attr}"))
    # A package's own modules import it while it is being imported: not a cycle between modules.
    graph = {m: {d for d in deps if d != m and not m.startswith(d + ".")} for m, deps in graph.items()}
    private = {p for p in private if p[0] != p[1]}
    return graph, private


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_check_finds_cycles_and_private_names(tmp_path):
    """The checker itself: a two-module cycle through a function-level import, a three-module
    ring, a private name imported and one reached through a class, each found; clean code passes."""
    package = tmp_path / "transforms"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from transforms import b\n\ndef f():\n    from transforms.b import _hidden\n")
    (package / "b.py").write_text("def g():\n    from transforms import a\n\n_hidden = 1\n\nclass K:\n    _slot = 2\n")
    (package / "c.py").write_text("from transforms.d import K2\nx = K2._inner\n")
    (package / "d.py").write_text("from . import e\n\nclass K2:\n    _inner = 1\n")
    (package / "e.py").write_text("import transforms.c\n")
    (package / "clean.py").write_text("from transforms.b import K\nfrom transforms import b as bee\n"
                                      "y = K\nz = bee.g\n")
    graph, private = analyse(tmp_path)
    assert cycles(graph) == [["transforms.a", "transforms.b"], ["transforms.c", "transforms.d", "transforms.e"]]
    assert private == {("transforms.a", "transforms.b", "_hidden"), ("transforms.c", "transforms.d", "K2._inner")}


def test_no_import_cycle():
    """Imports among filingflow/, flows/, transforms/ and expectations/ run one way."""
    graph, _ = analyse()
    assert len(graph) > 50  # the packages were found
    assert cycles(graph) == []


# What each package may import besides itself: the core imports no reader, flow or suite.
PACKAGE_LAYERS = {"filingflow": set(), "transforms": {"filingflow"}, "expectations": {"filingflow"},
                  "flows": {"filingflow", "transforms", "expectations"}}
# The Python API (filingflow/api.py) reads a single file with the readers, as the flow does.
# The registrant rule flags what the 8-K reader's own cover-versus-header comparison finds.
LAYER_EXCEPTIONS = {"filingflow.api": {"transforms"}, "expectations.eight_k_rules": {"transforms"}}
# Storage modules and the only filingflow modules each may import (docs/architecture.md, "Storage").
STORAGE_LAYERS = {
    "filingflow.connections": set(),
    "filingflow.views": {"filingflow.amendments", "filingflow.schema"},
    "filingflow.ingest_ledger": set(),
    "filingflow.companies": {"filingflow.identifiers"},
    "filingflow.search": {"filingflow.connections"},
    "filingflow.item_sources": {"filingflow.views", "filingflow.schema", "filingflow.reference"},
}


def test_packages_import_downwards_only():
    """filingflow imports nothing from transforms, flows or expectations; readers and suites only the core."""
    graph, _ = analyse()
    upward = sorted((m, d) for m, deps in graph.items() for d in deps
                    if d.split(".")[0] != m.split(".")[0]
                    and d.split(".")[0] not in PACKAGE_LAYERS[m.split(".")[0]] | LAYER_EXCEPTIONS.get(m, set()))
    assert upward == []


def test_storage_modules_import_one_way():
    """Connections, views, the ledger, companies and search import none of the storage above them."""
    graph, _ = analyse()
    assert {m: sorted(d for d in graph[m] if d.startswith("filingflow.") and d not in allowed)
            for m, allowed in STORAGE_LAYERS.items()} == {m: [] for m in STORAGE_LAYERS}


def test_no_private_name_used_from_another_module():
    """A module reaches another only through its public names."""
    _, private = analyse()
    assert sorted(private) == []
