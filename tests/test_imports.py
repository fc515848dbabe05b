"""The import graph of `bioner`: no circle, counting imports inside functions and TYPE_CHECKING
blocks too (a circle hidden in a function is still one a reader has to untangle)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

KNOWN_CIRCLES = [
    # Not a circle at run time: `pipeline.relations` falls back to `from . import ranker` only in a
    # model package's flat copy of the code, where `..linking` does not exist.
    {"bioner.pipeline", "bioner.pipeline.relations"},
    # Typer's registration: `cli` imports each command module, which adds itself to `cli.app`.
    {
        "bioner.cli",
        "bioner.cli.convert",
        "bioner.cli.corpora",
        "bioner.cli.data",
        "bioner.cli.evaluate",
        "bioner.cli.kb",
        "bioner.cli.lexicon",
        "bioner.cli.multicorpus",
        "bioner.cli.package",
        "bioner.cli.pretrain",
        "bioner.cli.relations",
        "bioner.cli.tag_pubmed",
        "bioner.cli.train",
        "bioner.cli.vectors",
    },
]


def import_graph() -> dict[str, set[str]]:
    """Module -> the bioner modules it imports anywhere in its body."""
    files = {}
    for path in (SRC / "bioner").rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        files[name] = (path, name if is_package else name.rpartition(".")[0])
    graph: dict[str, set[str]] = {}
    for name, (path, package) in files.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
                module = ".".join(base + ([node.module] if node.module else [])) if node.level else node.module
                if module and module.startswith("bioner"):
                    for alias in node.names:
                        targets.add(f"{module}.{alias.name}" if f"{module}.{alias.name}" in files else module)
            elif isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names if alias.name.startswith("bioner"))
        graph[name] = {target for target in targets if target in files and target != name}
    return graph


def circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_is_read_from_the_sources():
    graph = import_graph()
    assert "bioner.regions" in graph["bioner.document"]
    assert "bioner.formats.registry" in graph["bioner.formats"]


def test_no_import_circle_but_the_known_ones():
    unexpected = [sorted(circle) for circle in circles(import_graph()) if circle not in KNOWN_CIRCLES]
    assert unexpected == []


def test_a_circle_is_found_when_there_is_one():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
