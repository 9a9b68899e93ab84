"""The rooms of the code base, checked on the source (ast; nothing is imported):

  - detector/ never imports proxy (nor mitmproxy): detection does no network and knows no proxy;
  - proxy/sites/ (wire formats) never imports proxy.vault (nor sqlite3): it knows no storage;
  - proxy/control/ never imports proxy.sites: the control server knows no site adapter.

Each rule holds for every import in a file (inside functions too) and for everything the file
loads when it is imported, module by module (imports at module level, package __init__ files
included; an ``if TYPE_CHECKING:`` block loads nothing). A failure names the file, the line and
the import, and the chain of modules when the import is indirect. Not seen: modules loaded by
name at run time (importlib.import_module), such as proxy.sites loading ADAPTER_MODULES.
"""
from __future__ import annotations

import ast
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Import:
    module: str       # the module the statement names, absolute ("proxy.vault.errors")
    line: int
    at_load: bool     # runs when the file is imported (not in a function, not TYPE_CHECKING)


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


@dataclass(frozen=True)
class Rule:
    folder: str                      # relative to the root, e.g. "proxy/sites"
    forbidden: Callable[[str], bool]
    why: str


RULES = [
    Rule("detector", lambda m: _under(m, "proxy") or _under(m, "mitmproxy"),
         "detector/ never imports proxy or mitmproxy"),
    Rule("proxy/sites", lambda m: _under(m, "proxy.vault") or _under(m, "sqlite3"),
         "a site adapter (wire format) never imports the vault or sqlite3"),
    Rule("proxy/control", lambda m: _under(m, "proxy.sites"),
         "the control server never imports a site adapter"),
]


class Tree:
    """The Python files under ``root``, read as modules of the packages they sit in."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._imports: dict[Path, list[Import]] = {}  # each file parsed once

    def module_name(self, path: Path) -> str:
        parts = list(path.relative_to(self.root).with_suffix("").parts)
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    def file_of(self, module: str) -> Path | None:
        base = self.root.joinpath(*module.split("."))
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
        return None

    def imports(self, path: Path) -> list[Import]:
        if path not in self._imports:
            self._imports[path] = self._parse(path)
        return self._imports[path]

    def _parse(self, path: Path) -> list[Import]:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        package = self.module_name(path).split(".")
        if path.name != "__init__.py":
            package = package[:-1]
        found: list[Import] = []

        def absolute(node: ast.ImportFrom) -> str:
            if not node.level:
                return node.module or ""
            base = package[:len(package) - node.level + 1]
            return ".".join(base + ([node.module] if node.module else []))

        def visit(node: ast.AST, at_load: bool) -> None:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                at_load = False
            elif isinstance(node, ast.If) and _is_type_checking(node.test):
                for child in node.body:
                    visit(child, False)
                for child in node.orelse:
                    visit(child, at_load)
                return
            if isinstance(node, ast.Import):
                found.extend(Import(a.name, node.lineno, at_load) for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                module = absolute(node)
                found.append(Import(module, node.lineno, at_load))
                for alias in node.names:  # `from proxy import sites` loads proxy.sites
                    sub = f"{module}.{alias.name}"
                    if self.file_of(sub) is not None:
                        found.append(Import(sub, node.lineno, at_load))
            for child in ast.iter_child_nodes(node):
                visit(child, at_load)

        visit(tree, True)
        return found

    def loaded_by(self, path: Path) -> dict[str, list[str]]:
        """Every module of this tree that importing ``path`` loads -> the chain leading to it."""
        start = self.module_name(path)
        chains: dict[str, list[str]] = {start: []}
        queue = deque([path])
        while queue:
            current = queue.popleft()
            name = self.module_name(current)
            for imp in self.imports(current):
                if not imp.at_load:
                    continue
                parts = imp.module.split(".")
                for i in range(1, len(parts) + 1):  # packages load their __init__ first
                    module = ".".join(parts[:i])
                    file = self.file_of(module)
                    if module not in chains:
                        chains[module] = chains[name] + [module]
                        if file is not None:
                            queue.append(file)
        return chains


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def violations(tree: Tree, rule: Rule) -> list[str]:
    found = []
    for path in sorted((tree.root / rule.folder).rglob("*.py")):
        where = path.relative_to(tree.root)
        direct = [imp for imp in tree.imports(path) if rule.forbidden(imp.module)]
        found += [f"{where}:{imp.line} imports {imp.module}" for imp in direct]
        if direct:
            continue
        for module, chain in tree.loaded_by(path).items():
            if rule.forbidden(module):
                found.append(f"{where} loads {module} through {' -> '.join(chain[:-1])}")
                break
    return found


@pytest.mark.parametrize("rule", RULES, ids=[r.folder for r in RULES])
def test_rooms_keep_to_their_imports(rule: Rule):
    problems = violations(Tree(ROOT), rule)
    assert not problems, rule.why + ":\n  " + "\n  ".join(problems)


def test_the_check_sees_direct_relative_indirect_and_lazy_imports(tmp_path):
    """The checker itself, on a small tree that breaks each rule in one way."""
    files = {
        "detector/__init__.py": "",
        "detector/ok.py": "import json\nfrom detector import other\n",
        "detector/other.py": "def f():\n    from mitmproxy import http\n",      # lazy
        "proxy/__init__.py": "",
        "proxy/vault/__init__.py": "",
        "proxy/vault/errors.py": "",
        "proxy/helpers.py": "from proxy.vault.errors import *\n",
        "proxy/sites/__init__.py": "",
        "proxy/sites/a.py": "from .b import x\n",                               # relative
        "proxy/sites/b.py": "from proxy import helpers\nx = 1\n",             # indirect
        "proxy/sites/c.py": "import sqlite3\n",                                # direct
        "proxy/control/__init__.py": "",
        "proxy/control/typed.py": ("from typing import TYPE_CHECKING\n"
                                   "if TYPE_CHECKING:\n    from proxy.helpers import x\n"),
        "proxy/control/api.py": "from proxy import sites\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    tree = Tree(tmp_path)
    detector, sites, control = (violations(tree, rule) for rule in RULES)
    assert detector == ["detector/other.py:2 imports mitmproxy"]
    assert sites == ["proxy/sites/a.py loads proxy.vault through proxy.sites.b -> proxy.helpers",
                     "proxy/sites/b.py loads proxy.vault through proxy.helpers",
                     "proxy/sites/c.py:1 imports sqlite3"]
    assert control == ["proxy/control/api.py:1 imports proxy.sites"]
