"""The app order of docs/architecture.md holds: the import-linter contract in pyproject.toml
([tool.importlinter]) runs on every test run and fails on an import against the order (function-level
imports included), and every app of the project is placed in it."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]


def _layer_modules() -> set[str]:
    [order] = [c for c in CONFIG["contracts"] if c["id"] == "app-order"]
    assert order["type"] == "layers"
    names = set()
    for layer in order["layers"]:
        names |= {part.strip() for part in layer.replace(":", "|").split("|")}
    return names


def test_every_app_has_its_place_in_the_order():
    apps = {p.name for p in ROOT.iterdir() if (p / "apps.py").exists()}
    layered = {name.split(".")[0] for name in _layer_modules()}
    assert apps - {"fallmanagement"} <= layered, "a new app needs its layer in [tool.importlinter]"
    assert apps <= set(CONFIG["root_packages"]) | {"fallmanagement"}


def test_import_contract_is_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout
