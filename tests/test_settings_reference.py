"""docs/settings.md lists exactly the environment variables masthead/settings.py reads.

The variables are read from the settings module's source: every call of its own
``env_*`` helpers and of ``os.environ`` / ``os.getenv`` with the variable's name
written out. A name built at run time would hide a variable from the reference, so
the test refuses one.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = ROOT / "masthead" / "settings.py"
REFERENCE = ROOT / "docs" / "settings.md"


def is_environment(node: ast.expr) -> bool:
    return ast.unparse(node) in {"os.environ", "environ"}


def reads_environment(call: ast.Call, helpers: set[str]) -> bool:
    function = call.func
    if isinstance(function, ast.Name):
        return function.id in helpers
    if isinstance(function, ast.Attribute):
        if function.attr == "getenv":
            return ast.unparse(function.value) == "os"
        return function.attr in {"get", "pop", "setdefault"} and is_environment(function.value)
    return False


def variables_read_by_settings() -> set[str]:
    tree = ast.parse(SETTINGS.read_text(encoding="utf-8"))
    functions = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    # The module's small typed readers (env_str, env_int ...): functions that read the
    # environment with the name they are given. Their callers name the variable.
    helpers = {
        function.name
        for function in functions
        if any(
            isinstance(inner, ast.Call) and reads_environment(inner, set())
            for inner in ast.walk(function)
        )
    }
    inside_helpers = {
        id(inner)
        for function in functions
        if function.name in helpers
        for inner in ast.walk(function)
    }
    names, unreadable = set(), []
    for node in ast.walk(tree):
        if id(node) in inside_helpers:
            continue
        if isinstance(node, ast.Call) and node.args and reads_environment(node, helpers):
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
            else:
                unreadable.append(ast.unparse(node))
        elif isinstance(node, ast.Subscript) and is_environment(node.value):
            if isinstance(node.slice, ast.Constant):
                names.add(node.slice.value)
            else:
                unreadable.append(ast.unparse(node))
    assert unreadable == [], f"names built at run time hide variables: {unreadable}"
    return names


def variables_in_reference() -> list[str]:
    return re.findall(r"^- `([A-Z][A-Z0-9_]*)`:", REFERENCE.read_text(encoding="utf-8"), re.M)


def test_every_variable_settings_reads_is_in_the_reference():
    missing = variables_read_by_settings() - set(variables_in_reference())
    assert missing == set(), f"add to docs/settings.md: {sorted(missing)}"


def test_the_reference_names_no_variable_settings_does_not_read():
    unknown = set(variables_in_reference()) - variables_read_by_settings()
    assert unknown == set(), f"docs/settings.md names what settings.py never reads: {unknown}"


def test_each_variable_is_described_once():
    listed = variables_in_reference()
    assert len(listed) == len(set(listed)) > 50
