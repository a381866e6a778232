"""Keep `requirements.lock` (exact versions of everything Masthead installs) honest.

    dependency_lock.py lock    # resolve pyproject.toml afresh and rewrite the lock
    dependency_lock.py check   # the lock satisfies pyproject.toml and is what is installed
    dependency_lock.py audit   # look up the locked versions' known vulnerabilities

The Makefile installs with the lock as a constraints file, so a fresh machine gets the
versions the suite last passed with, and `check` fails as soon as pyproject.toml and the lock
drift apart. `audit` needs PyPI's vulnerability API; when the machine cannot reach it the run
says NOT AUDITED in capitals and passes, unless MASTHEAD_AUDIT_REQUIRED=true makes that a
failure (set it wherever the network allows).
"""

import json
import os
import re
import subprocess
import sys
import tomllib
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
PYPROJECT = ROOT / "pyproject.toml"
EXTRAS = ("test",)
HEADER = """\
# Exact versions of Masthead's dependencies, runtime and test, for Python {python} on Linux.
# Regenerate with `make lock` after changing pyproject.toml; `make test` checks the two agree.
"""


def project_requirements() -> list[Requirement]:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    requirements = [Requirement(spec) for spec in project["dependencies"]]
    for extra in EXTRAS:
        requirements += [Requirement(spec) for spec in project["optional-dependencies"][extra]]
    return requirements


def read_lock() -> dict[str, str]:
    pins = {}
    for number, line in enumerate(LOCK.read_text().splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9._-]+)==([^\s;]+)", line)
        if match is None:
            raise SystemExit(f"{LOCK.name}:{number}: expected NAME==VERSION, found {line!r}")
        pins[canonicalize_name(match[1])] = match[2]
    return pins


def lock() -> int:
    """Resolve the project and its test extra from scratch, without installing anything."""
    report = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--dry-run", "--ignore-installed",
         "--report", "-", f".[{','.join(EXTRAS)}]"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    pins = {
        canonicalize_name(item["metadata"]["name"]): item["metadata"]["version"]
        for item in json.loads(report)["install"]
        if canonicalize_name(item["metadata"]["name"]) != "masthead"
    }
    python = ".".join(map(str, sys.version_info[:2]))
    lines = [f"{name}=={version}" for name, version in sorted(pins.items())]
    LOCK.write_text(HEADER.format(python=python) + "\n".join(lines) + "\n")
    print(f"{LOCK.name}: {len(lines)} packages pinned")
    return 0


def check() -> int:
    pins = read_lock()
    problems = []
    for requirement in project_requirements():
        name = canonicalize_name(requirement.name)
        if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
            continue
        if name not in pins:
            problems.append(f"{requirement.name} is required by pyproject.toml but not locked")
        elif not requirement.specifier.contains(pins[name], prereleases=True):
            problems.append(f"{requirement} is required but the lock pins {pins[name]}")
    for name, version in sorted(pins.items()):
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            problems.append(f"{name}=={version} is locked but not installed")
            continue
        if installed != version:
            problems.append(f"{name}=={version} is locked but {installed} is installed")
    if problems:
        print(f"{LOCK.name} and this environment disagree:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        print("Run `make lock` after changing pyproject.toml, then `make install-test`.",
              file=sys.stderr)  # fmt: skip
        return 1
    print(f"{LOCK.name}: {len(pins)} pinned packages, all installed at their locked version")
    return 0


def audit() -> int:
    """Ask PyPI's vulnerability data about every locked version, and say what could not be asked."""
    result = subprocess.run(
        [sys.executable, "-m", "pip_audit", "--requirement", str(LOCK), "--no-deps",
         "--disable-pip", "--progress-spinner", "off", "--timeout", "20", "--format", "json"],
        capture_output=True, text=True,
    )  # fmt: skip
    try:
        dependencies = json.loads(result.stdout)["dependencies"]
    except (json.JSONDecodeError, KeyError):
        dependencies = None
    if dependencies is None:
        reason = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return not_audited(f"pip-audit gave no report ({reason})", len(read_lock()))
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    skipped = [dep for dep in dependencies if "skip_reason" in dep]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release yet"
            print(f"VULNERABLE: {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})",
                  file=sys.stderr)  # fmt: skip
    audited = len(dependencies) - len(skipped)
    print(f"pip-audit: {audited} of {len(dependencies)} locked packages audited, "
          f"{len(vulnerable)} with known vulnerabilities")  # fmt: skip
    if vulnerable:
        return 1
    if skipped:
        return audit_latest_releases(skipped)
    return 0


def audit_latest_releases(skipped: list[dict]) -> int:
    """Where pip-audit could not ask about a version, ask PyPI about the project.

    Some networks let PyPI's per-project JSON through but not the per-release one pip-audit
    reads. The per-project answer lists the known vulnerabilities of the newest release, so it
    settles the question for every package locked at its newest release; the rest are named as
    not audited.
    """
    pins = read_lock()

    def newest_release(name: str) -> dict | None:
        url = f"https://pypi.org/pypi/{name}/json"
        try:
            with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 (fixed https URL)
                return json.load(response)
        except (OSError, ValueError):
            return None

    names = [canonicalize_name(dep["name"]) for dep in skipped]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = dict(zip(names, pool.map(newest_release, names), strict=True))
    unaudited, vulnerable = [], []
    for name in names:
        answer = answers[name]
        if answer is None or answer["info"]["version"] != pins[name]:
            unaudited.append(name)
            continue
        for vuln in answer.get("vulnerabilities") or []:
            if not vuln.get("withdrawn"):
                vulnerable.append(f"{name} {pins[name]}: {vuln['id']}")
    for line in vulnerable:
        print(f"VULNERABLE: {line}", file=sys.stderr)
    print(f"PyPI project data: {len(names) - len(unaudited)} of {len(names)} packages audited "
          f"at their newest release, {len(vulnerable)} known vulnerabilities")  # fmt: skip
    if vulnerable:
        return 1
    if unaudited:
        return not_audited("locked behind the newest release: " + ", ".join(unaudited),
                           len(unaudited))  # fmt: skip
    return 0


def not_audited(reason: str, count: int) -> int:
    """Say loudly that packages went unaudited; fail only where an audit is required."""
    print(
        f"NOT AUDITED: {count} locked packages could not be checked, because PyPI's "
        f"vulnerability data for them is out of reach from this machine ({reason}).",
        file=sys.stderr,
    )
    if os.environ.get("MASTHEAD_AUDIT_REQUIRED", "").lower() in {"1", "true", "yes"}:
        print("MASTHEAD_AUDIT_REQUIRED is set, so this is a failure.", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str]) -> int:
    commands = {"lock": lock, "check": check, "audit": audit}
    if len(argv) != 2 or argv[1] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    return commands[argv[1]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
