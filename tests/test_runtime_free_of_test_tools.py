"""The runtime needs none of the test tools; the suite and the benchmarks stand apart.

A site installed with `make install` has no test extras: a runtime module importing
one of them fails there, not here, unless this checks. The demo's data stays with the
demo, and `make clean` never takes the site's data with it.
"""

import ast
import importlib.metadata
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def python_files(folder: str) -> list[Path]:
    return [path for path in (ROOT / folder).rglob("*.py") if "node_modules" not in path.parts]


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, by its full dotted name (relative imports resolved)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def imports_of(folder: str) -> dict[str, set[str]]:
    return {str(path.relative_to(ROOT)): imported_modules(path) for path in python_files(folder)}


def top_level_names_of_test_extras() -> set[str]:
    """The import names of the distributions only the [test] extra installs."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    def names(requirements):
        return {re.split(r"[\s<>=!~\[;]", item, maxsplit=1)[0].lower() for item in requirements}

    test_only = names(project["optional-dependencies"]["test"]) - names(project["dependencies"])
    modules = {name.replace("-", "_") for name in test_only}
    for module, distributions in importlib.metadata.packages_distributions().items():
        if {distribution.lower() for distribution in distributions} & test_only:
            modules.add(module)
    return modules


def offenders(imports: dict[str, set[str]], forbidden) -> list[str]:
    return sorted(
        f"{path} imports {module}"
        for path, modules in imports.items()
        for module in modules
        if forbidden(module)
    )


def under(module: str, *roots: str) -> bool:
    return any(module == root or module.startswith(root + ".") for root in roots)


def test_the_runtime_package_imports_no_test_tool_nor_the_suite_or_benchmarks():
    test_tools = top_level_names_of_test_extras()
    assert {"pytest", "hypothesis", "playwright", "docx"} <= test_tools  # the list is read
    found = offenders(
        imports_of("masthead"),
        lambda module: (
            module.split(".")[0] in test_tools
            or under(module, "django.test", "tests", "bench", "harness")
        ),
    )
    assert found == []


def test_the_benchmarks_do_not_import_the_suite():
    assert offenders(imports_of("bench"), lambda module: under(module, "tests")) == []


def test_the_suite_does_not_import_the_benchmarks():
    assert offenders(imports_of("tests"), lambda module: under(module, "bench")) == []


def test_the_demo_s_sample_content_lives_under_the_demo_only():
    elsewhere = [
        str(path.relative_to(ROOT))
        for path in python_files("masthead")
        if "sample" in path.stem and (ROOT / "masthead" / "server" / "sample") not in path.parents
    ]
    assert elsewhere == []


def test_only_the_demo_reads_the_sample_content():
    readers = offenders(
        imports_of("masthead"), lambda module: under(module, "masthead.server.sample")
    )
    outside_the_demo = [
        line
        for line in readers
        if not line.startswith(("masthead/server/sample/", "masthead/server/management/"))
    ]
    assert readers and outside_the_demo == []


def make(target: str, folder: Path) -> None:
    subprocess.run(
        ["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), "-C", str(folder), target],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip


@pytest.fixture
def checkout_with_data(tmp_path):
    """A folder laid out like a checkout in use: a virtualenv, and var/ with a database."""
    if shutil.which("make") is None:
        pytest.fail("make is missing: apt-get install make", pytrace=False)
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / "var" / "media").mkdir(parents=True)
    (tmp_path / "var" / "masthead.sqlite3").write_bytes(b"SQLite format 3\x00")
    return tmp_path


def test_make_clean_removes_the_virtualenv_and_leaves_the_site_data(checkout_with_data):
    make("clean", checkout_with_data)
    assert not (checkout_with_data / ".venv").exists()
    assert (checkout_with_data / "var" / "masthead.sqlite3").read_bytes().startswith(b"SQLite")


def test_the_site_data_goes_only_with_the_target_that_says_so(checkout_with_data):
    make("clean-data-DELETE-var", checkout_with_data)
    assert not (checkout_with_data / "var").exists()
