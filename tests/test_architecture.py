"""The import contracts (``[tool.importlinter]`` in pyproject.toml, run by ``make lint``) cover
every package and break on the imports DESIGN section 2 forbids.

Each breaking test copies the project's Python packages to a temporary folder, adds one
forbidden import and runs ``lint-imports`` there: it must fail and name the contract. The same
run on an untouched copy passes, so the failure is the added import's doing.
"""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
ROOT_PACKAGES = CONFIG["root_packages"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CHAIN = "Apps depend only on apps below them"
PURE = "import no Django"


def layer_names(contract_id: str) -> set[str]:
    """The modules a layers contract names, optional ones included."""
    [contract] = [c for c in CONFIG["contracts"] if c["id"] == contract_id]
    names = set()
    for layer in contract["layers"]:
        for name in layer.replace(":", "|").split("|"):
            names.add(name.strip().strip("()"))
    return names


def test_every_package_of_the_project_is_under_the_import_contracts():
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")}
    assert set(ROOT_PACKAGES) == packages, "add a new app to [tool.importlinter] root_packages"
    assert packages <= layer_names("chain"), "give a new app its rung in the layers contract"


def test_the_apps_still_to_come_already_have_their_rungs():
    assert {"spend", "pipeline", "quotes", "demo"} <= layer_names("chain")
    assert {"matching.engine", "matching.designer", "matching.teams"} <= layer_names(
        "pure-matching"
    )


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the project's packages and its pyproject.toml, to break."""
    for package in ROOT_PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.html", "*.csv", "*.json", "*.txt"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def lint_imports(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def add_import(folder: Path, module: str, statement: str) -> None:
    path = folder / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text() + f"\n{statement}\n")


def test_an_untouched_copy_keeps_every_contract(project):
    run = lint_imports(project)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


@pytest.mark.parametrize(
    ("module", "statement", "contract"),
    [
        ("core.models", "from matching import models  # up the chain", CHAIN),
        ("places.models", "import sectors.models  # a neighbour on the same rung", CHAIN),
        ("anchors.models", "from opportunities import selectors  # up, two rungs", CHAIN),
        ("matching.engine", "from django.conf import settings", PURE),
        ("matching.reservations", "from places import models  # Django, one step away", PURE),
    ],
)
def test_a_forbidden_import_breaks_the_lint(project, module, statement, contract):
    add_import(project, module, statement)

    run = lint_imports(project)

    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 broken" in run.stdout
    broken = run.stdout.split("Broken contracts")[-1]
    assert contract in " ".join(broken.split())
    assert module in broken


def test_an_app_still_to_come_is_checked_as_soon_as_it_exists(project):
    (project / "spend").mkdir()
    (project / "spend" / "__init__.py").write_text("")
    (project / "spend" / "analysis.py").write_text("from matching import engine\n")
    config = project / "pyproject.toml"
    config.write_text(config.read_text().replace('"core",\n', '"core",\n    "spend",\n', 1))

    run = lint_imports(project)

    assert run.returncode == 1, run.stdout + run.stderr
    assert "spend.analysis -> matching.engine" in run.stdout
