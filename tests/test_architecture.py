"""The package's shape (docs/architecture.md): layers, no import cycle, one folder per format.

The contracts themselves live in pyproject.toml (``[tool.importlinter]``);
these tests run them, show that they can fail, and check what import-linter
does not: that no two modules import each other through any path (deferred
imports inside functions included, as grimp reads every import statement).
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from nmdsl import formats
from tests.conftest import PATHS

SRC = PATHS.root / "src"


def _lint_imports(src: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
            "--no-cache",
        ],
        cwd=cwd,
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_contracts_are_kept() -> None:
    r = _lint_imports(SRC, PATHS.root)
    assert r.returncode == 0, r.stdout + r.stderr
    kept = [line for line in r.stdout.splitlines() if line.endswith(" KEPT")]
    assert len(kept) == 4, r.stdout


def test_a_lower_layer_importing_a_higher_one_breaks_the_layers_contract(tmp_path: Path) -> None:
    # A copy of the package where the model reaches up to the CLI, in a function
    # (a deferred import counts as much as one at the top).
    shutil.copytree(SRC / "nmdsl", tmp_path / "src" / "nmdsl", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PATHS.root / "pyproject.toml", tmp_path / "pyproject.toml")
    workout = tmp_path / "src" / "nmdsl" / "model" / "workout.py"
    up = "\n\ndef _up() -> None:\n    from nmdsl.cli import main  # noqa\n"
    workout.write_text(workout.read_text() + up)
    r = _lint_imports(tmp_path / "src", tmp_path)
    assert r.returncode != 0
    assert "Layers: each imports only from the layers below it BROKEN" in r.stdout
    assert "nmdsl.model is not allowed to import nmdsl.cli" in r.stdout


def test_one_format_importing_another_breaks_their_independence(tmp_path: Path) -> None:
    shutil.copytree(SRC / "nmdsl", tmp_path / "src" / "nmdsl", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PATHS.root / "pyproject.toml", tmp_path / "pyproject.toml")
    erg = tmp_path / "src" / "nmdsl" / "formats" / "erg" / "write.py"
    erg.write_text(erg.read_text() + "\n\nfrom nmdsl.formats.zwo import write as _zwo  # noqa\n")
    r = _lint_imports(tmp_path / "src", tmp_path)
    assert "Formats never import each other BROKEN" in r.stdout


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.find_modules_directly_imported_by(v)):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle_at_all() -> None:
    graph = grimp.build_graph("nmdsl")
    # Deferred imports are in the graph: nmdsl.check imports the language's
    # pipeline inside the function, and the catalogue every format's modules.
    assert "nmdsl.language.session" in graph.find_modules_directly_imported_by("nmdsl.api")
    assert "nmdsl.analysis.lint" in graph.find_modules_directly_imported_by("nmdsl.library.codes")
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for m in ("p", "p.a", "p.b", "p.c"):
        graph.add_module(m)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.c")
    graph.add_import(importer="p.c", imported="p.a")
    assert _cycles(graph) == [["p.a", "p.b", "p.c"]]


@pytest.mark.parametrize("name", sorted(formats.FORMATS))
def test_each_format_lives_in_one_folder(name: str) -> None:
    f = formats.FORMATS[name]
    folder = SRC / "nmdsl" / "formats" / f.folder
    assert (folder / "__init__.py").is_file()
    for cls, module in ((f.writer, "write"), (f.reader, "read")):
        if cls is not None:
            assert (folder / f"{module}.py").is_file()
            assert hasattr(importlib.import_module(f"nmdsl.formats.{f.folder}.{module}"), cls)


def test_no_format_code_outside_the_formats_folder() -> None:
    package = SRC / "nmdsl"
    assert not (package / "backends").exists() and not (package / "importers").exists()
    folders = {p.name for p in (package / "formats").iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == {f.folder for f in formats.FORMATS.values()}


def test_the_folder_list_shows_the_layers() -> None:
    package = SRC / "nmdsl"
    layers = {p.name for p in package.iterdir() if p.is_dir() and p.name not in ("__pycache__", "grammar")}
    assert layers == {"model", "language", "analysis", "formats", "library", "cli", "preview", "lsp"}
