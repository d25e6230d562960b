"""The layers hold: imports run one way down the data flow, and only app/ draws.

The contracts themselves live in pyproject.toml ([tool.importlinter]); this
runs them, and checks at run time that the engine loads without Textual.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import toaster_tui

ROOT = Path(__file__).resolve().parents[1]
ENGINE = ("core", "config", "feeds", "reading", "store", "refresh", "sync", "demo")


def test_import_contracts_are_kept() -> None:
    run = subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports_command;"
                          "lint_imports_command()", "--no-cache"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "BROKEN" not in run.stdout


def test_every_engine_package_is_named_in_the_layers() -> None:
    """A new package must be placed in a layer, or the contract would not see it."""
    import tomllib

    layers = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))[
        "tool"]["importlinter"]["contracts"][0]["layers"]
    named = {part.strip() for layer in layers for part in layer.split("|")}
    found = {f"toaster_tui.{info.name}" for info in pkgutil.iter_modules(toaster_tui.__path__)
             if not info.name.startswith("_")}
    assert found == named


def test_the_engine_and_the_cli_load_without_textual() -> None:
    # Rich is not checked here: httpx imports it for its own command line when it is
    # installed. The contract above keeps our own modules from importing it.
    modules = [f"toaster_tui.{info.name}" for package in ENGINE
               for info in pkgutil.walk_packages(
                   [str(Path(toaster_tui.__path__[0]) / package)], f"{package}.")]
    assert len(modules) > 20
    code = ("import importlib, json, sys\n"
            f"for name in {[*modules, 'toaster_tui.cli']!r}:\n"
            "    importlib.import_module(name)\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True)
    assert json.loads(run.stdout) == []
