"""The floors of the house (README « Architecture »): imports run downward only.

The contracts live in pyproject.toml ([tool.importlinter]) and `make quality` runs them; these tests run
them too, so that `make test` fails as soon as a lower floor imports a higher one.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# One module per floor, enough for the contracts to find every layer they name.
MODULES = [
    "fabrique/__init__.py",
    "fabrique/pages/__init__.py",
    "fabrique/urls.py",
    "fabrique/management/__init__.py",
    "fabrique/core/__init__.py",
    "fabrique/templatetags/__init__.py",
    "fabrique/context_processors.py",
    "fabrique/settings/__init__.py",
    "fabrique/celery.py",
    "fabrique/wsgi.py",
    "accompagnement/__init__.py",
    "ateliers/__init__.py",
    "immersions/__init__.py",
]


def lint_imports(directory):
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--no-logo", str(ROOT / "pyproject.toml")],
        cwd=directory,
        env={**os.environ, "PYTHONPATH": str(directory)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_imports_run_downward_only():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def house_with(tmp_path, importer, line):
    for module in MODULES:
        (tmp_path / module).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / module).touch()
    (tmp_path / importer).write_text(line + "\n")
    return tmp_path


def test_contract_refuses_the_base_importing_an_app(tmp_path):
    result = lint_imports(house_with(tmp_path, "accompagnement/__init__.py", "import ateliers"))
    assert result.returncode == 1
    assert "accompagnement is not allowed to import ateliers" in result.stdout


def test_contract_refuses_an_app_importing_the_other(tmp_path):
    result = lint_imports(house_with(tmp_path, "immersions/__init__.py", "import ateliers"))
    assert result.returncode == 1
    assert "immersions is not allowed to import ateliers" in result.stdout


def test_contract_refuses_the_ground_floor_importing_a_page(tmp_path):
    result = lint_imports(house_with(tmp_path, "fabrique/core/__init__.py", "import fabrique.pages"))
    assert result.returncode == 1
    assert "fabrique.core is not allowed to import fabrique.pages" in result.stdout


def test_contract_refuses_code_importing_the_settings(tmp_path):
    result = lint_imports(house_with(tmp_path, "immersions/__init__.py", "import fabrique.settings"))
    assert result.returncode == 1
    assert "immersions is not allowed to import fabrique.settings" in result.stdout
