"""Check crossbrief's import structure: no cycles, no upward imports, no private names across modules.

    python tools/check_layers.py [--src SRC]

Every module under src/crossbrief is parsed with `ast`: every import counts, at module level,
inside functions and under `if TYPE_CHECKING:` alike, and relative imports are resolved. Checked:

(a) no import cycle between modules;
(b) no import of a higher layer by a lower one, by the order in LAYERS below (any import within
    one layer is allowed, if it makes no cycle); a module in no layer is reported too;
(c) no private name (one leading underscore) of another module: neither `from m import _name`
    nor `m._name` on a module bound by an import.

Each violation is printed on one line (`path:line: kind: detail`, cycles as `cycle: a -> b -> a`);
the exit status is 0 when there is none, 1 otherwise.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "crossbrief"

# From the lowest layer to the highest. A module belongs to the layer of the longest entry that is
# it or a package above it; it may import its own layer and the layers below.
LAYERS: list[list[str]] = [
    ["crossbrief.version", "crossbrief.errors", "crossbrief.settings", "crossbrief.text", "crossbrief.files"],
    ["crossbrief.model"],
    ["crossbrief.resources"],
    ["crossbrief.ingest"],
    ["crossbrief.stages"],
    ["crossbrief.relevance"],
    ["crossbrief.stories"],
    ["crossbrief.summarise"],
    ["crossbrief.facts"],
    ["crossbrief.render"],
    ["crossbrief.pipeline"],
    ["crossbrief.store"],  # forthcoming
    ["crossbrief.runners"],
    ["crossbrief.learn"],
    ["crossbrief.web"],  # forthcoming
    ["crossbrief.cli"],
    ["crossbrief", "crossbrief.__main__"],  # the package's __init__: the public API over everything; `python -m`
]


@dataclass
class Import:
    line: int
    target: str  # the crossbrief module imported (or whose names are)
    names: list[str] = field(default_factory=list)  # names taken from it (`from target import ...`)


@dataclass
class Module:
    name: str
    path: Path
    is_package: bool
    imports: list[Import] = field(default_factory=list)
    private_uses: list[tuple[int, str, str]] = field(default_factory=list)  # (line, module, name)


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def discover(src: Path) -> dict[str, Module]:
    """Every module of the package under `src` (the folder holding crossbrief/), by dotted name."""
    modules = {}
    src = src.resolve()
    for path in sorted((src / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        name = ".".join(parts)
        modules[name] = Module(name, path, is_package)
    return modules


def _known(dotted: str, modules: dict[str, Module]) -> str | None:
    """The longest prefix of `dotted` that is one of our modules (None: not ours)."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def _resolve_from(module: Module, node: ast.ImportFrom) -> str:
    """The absolute module name of `from X import ...`, relative imports resolved."""
    if not node.level:
        return node.module or ""
    package = module.name.split(".") if module.is_package else module.name.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
    return ".".join([*base, node.module] if node.module else base)


def _dotted(node: ast.expr) -> str | None:
    """`a.b.c` for an attribute chain on a plain name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def parse(module: Module, modules: dict[str, Module]) -> None:
    """Fill in `module`'s imports of crossbrief modules, and its uses of their private names."""
    tree = ast.parse(module.path.read_text(encoding="utf-8"), filename=str(module.path))
    bound: dict[str, str] = {}  # local name -> the dotted module name it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _known(alias.name, modules)
                if target is None:
                    continue
                module.imports.append(Import(node.lineno, target))
                if alias.asname:
                    bound[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    bound[top] = top
        elif isinstance(node, ast.ImportFrom):
            source = _resolve_from(module, node)
            if _known(source, modules) is None and source != PACKAGE:
                continue
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                if submodule in modules:  # `from package import module`
                    module.imports.append(Import(node.lineno, submodule))
                    bound[alias.asname or alias.name] = submodule
                    continue
                target = _known(source, modules)
                if target is None:
                    continue
                module.imports.append(Import(node.lineno, target, [alias.name]))
                if is_private(alias.name):
                    module.private_uses.append((node.lineno, target, alias.name))
    # `m._name` where m is bound to one of our modules by an import (anywhere in the file).
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or not is_private(node.attr):
            continue
        base = _dotted(node.value)
        if base is None or base.split(".")[0] not in bound:
            continue
        first, _, rest = base.partition(".")
        full = bound[first] + (f".{rest}" if rest else "")
        if full in modules and full != module.name:
            module.private_uses.append((node.lineno, full, node.attr))


def layer_of(name: str) -> int | None:
    best: tuple[int, int] | None = None  # (length of the matching entry, layer)
    for index, entries in enumerate(LAYERS):
        for entry in entries:
            if name == entry or (entry != PACKAGE and name.startswith(entry + ".")):
                if best is None or len(entry) > best[0]:
                    best = (len(entry), index)
    return None if best is None else best[1]


def _layer_label(index: int) -> str:
    return " / ".join(entry.removeprefix(PACKAGE + ".") if entry != PACKAGE else "crossbrief (package)"
                      for entry in LAYERS[index])


def cycles(modules: dict[str, Module]) -> Iterator[list[str]]:
    """One cycle (as a closed path) per strongly connected group of modules that import each other."""
    graph = {name: sorted({i.target for i in m.imports if i.target != name}) for name, m in modules.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0

    def connect(start: str) -> None:  # Tarjan's algorithm, iterative (no recursion limit)
        nonlocal counter
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))

    for name in sorted(graph):
        if name not in index:
            connect(name)
    for group in groups:
        members = set(group)
        # The shortest cycle through the group's first module (breadth-first within the group).
        start = group[0]
        previous: dict[str, str] = {}
        queue = [start]
        found = None
        while queue and found is None:
            node = queue.pop(0)
            for child in graph[node]:
                if child not in members:
                    continue
                if child == start:
                    found = node
                    break
                if child not in previous:
                    previous[child] = node
                    queue.append(child)
        path = [start]
        node = found or start
        while node != start:
            path.append(node)
            node = previous[node]
        yield [start, *reversed(path[1:]), start]


def check(src: Path) -> list[str]:
    modules = discover(src)
    for module in modules.values():
        parse(module, modules)
        module.imports.sort(key=lambda i: i.line)
        module.private_uses.sort()
    here = Path.cwd()
    problems = []

    def where(module: Module, line: int) -> str:
        path = module.path.relative_to(here) if module.path.is_relative_to(here) else module.path
        return f"{path}:{line}"

    for name, module in sorted(modules.items()):
        own = layer_of(name)
        if own is None:
            problems.append(f"{where(module, 1)}: no layer: {name} is in no layer of tools/check_layers.py")
            continue
        for imp in module.imports:
            theirs = layer_of(imp.target)
            if theirs is not None and theirs > own and imp.target != name:
                what = f"{imp.target} ({', '.join(imp.names)})" if imp.names else imp.target
                problems.append(
                    f"{where(module, imp.line)}: upward import: {name} [{_layer_label(own)}] imports "
                    f"{what} [{_layer_label(theirs)}]"
                )
        for line, target, private in module.private_uses:
            problems.append(f"{where(module, line)}: private name: {name} uses {target}.{private}")
    for cycle in cycles(modules):
        steps = []
        for a, b in zip(cycle, cycle[1:]):
            line = min(i.line for i in modules[a].imports if i.target == b)
            steps.append(where(modules[a], line))
        problems.append(f"cycle: {' -> '.join(cycle)} (imports at {', '.join(steps)})")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=Path(__file__).resolve().parent.parent / "src",
                        help="the folder holding the crossbrief package (default: this checkout's src/)")
    args = parser.parse_args(argv)
    problems = check(args.src)
    for problem in problems:
        print(problem)
    if problems:
        print(f"check_layers: {len(problems)} violation(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
