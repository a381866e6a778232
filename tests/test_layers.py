"""The layers of the package hold in its templates too.

``lint-imports`` (the contracts in pyproject.toml) sees Python imports only: a
template that loads a higher app's tags, or includes or extends its templates,
makes the lower app need the higher one just as an import would. This reads
every template and holds it to the same layers, taken from the same contract.
"""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "masthead"
LOAD = re.compile(r"{%\s*load\s+([^%]*?)\s*%}")
USE = re.compile(r"""{%\s*(?:include|extends)\s+["']([a-z_]+)/""")


def layer_of_each_app() -> dict[str, int]:
    """App name -> its layer, 0 the lowest, from the import-linter layers contract."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = next(c["layers"] for c in config["contracts"] if c["type"] == "layers")
    ranks = {}
    for rank, layer in enumerate(reversed(layers)):
        for module in re.split(r"[:|]", layer):
            ranks[module.strip().removeprefix("masthead.")] = rank
    return ranks


def tag_libraries() -> dict[str, str]:
    """Tag library name -> the app that provides it."""
    return {
        path.stem: path.parent.parent.name
        for path in PACKAGE.glob("*/templatetags/*.py")
        if path.stem != "__init__"
    }


def templates():
    for path in sorted(PACKAGE.glob("*/templates/**/*")):
        if path.is_file():
            yield path.relative_to(PACKAGE).parts[0], path


def reaches_up(app: str, text: str, ranks, libraries) -> list[str]:
    """What in this template belongs to an app above ``app`` (or beside it, for siblings)."""
    used = [libraries[name] for load in LOAD.findall(text) for name in load.split()
            if name in libraries]  # fmt: skip
    used += [folder for folder in USE.findall(text) if folder in ranks]
    return [other for other in used if other != app and ranks[other] >= ranks[app]]


def test_no_template_loads_tags_or_templates_of_a_higher_app():
    ranks, libraries = layer_of_each_app(), tag_libraries()
    assert {"publishing", "citations", "discussion"} <= set(libraries.values())
    offences = {}
    for app, path in templates():
        if app in ranks and (found := reaches_up(app, path.read_text(), ranks, libraries)):
            offences[str(path.relative_to(ROOT))] = found
    assert offences == {}


def test_the_check_sees_a_post_page_that_loads_the_discussion():
    ranks, libraries = layer_of_each_app(), tag_libraries()
    page = '{% load publishing discussion %}{% include "citations/_dialog.html" %}'
    assert reaches_up("publishing", page, ranks, libraries) == ["discussion", "citations"]
    assert reaches_up("discussion", "{% load publishing %}", ranks, libraries) == []
