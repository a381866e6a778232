"""Install the Debian packages the test suite needs, or say clearly what is missing.

The suite drives Debian's Chromium (never a downloaded browser), reads
PDFs with pdftotext and fetches axe-core with npm. As root we install what
is missing with apt-get; as anyone else we stop with the command to run.
With ``--bench``: the packages of `make bench` instead (wrk and nginx).
"""

import ctypes.util
import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

# command that must exist -> Debian package that provides it
NEEDED = {
    "chromium": "chromium",
    "pdftotext": "poppler-utils",
    # The browser tests' accessibility checker, axe-core, comes from the npm registry.
    "npm": "npm",
    # The moderation invariant is checked against a real Redis cache, started per test run.
    "redis-server": "redis-server",
    # Static publishing is checked against the real nginx with deploy/nginx.conf.
    "nginx": "nginx",
    # The task worker is checked across a restart of a PostgreSQL server of its own.
    "initdb": "postgresql",
}


# shared library (as ctypes names it) that must load -> Debian package that provides it
NEEDED_LIBRARIES = {
    # WeasyPrint (the PDF of a post) lays out text with Pango.
    "pango-1.0": "libpango-1.0-0",
    "pangoft2-1.0": "libpangoft2-1.0-0",
}


# `make bench`: the load generator, and the static-file server that sets the ceiling.
# (Installed as root on a machine with systemd, Debian's nginx package also starts
# nginx on port 80; the bench starts its own on 127.0.0.1 and leaves that one alone.)
NEEDED_FOR_BENCH = {"wrk": "wrk", "nginx": "nginx"}


def command_exists(command: str) -> bool:
    # nginx lives in /usr/sbin, which is not on every user's PATH; PostgreSQL's programs
    # in a folder per version.
    return (
        shutil.which(command) is not None
        or Path("/usr/sbin", command).exists()
        or bool(glob.glob(f"/usr/lib/postgresql/*/bin/{command}"))
    )


def main() -> int:
    if "--bench" in sys.argv[1:]:
        who = "make bench needs"
        missing = sorted({pkg for cmd, pkg in NEEDED_FOR_BENCH.items() if not command_exists(cmd)})
    else:
        who = "The tests need"
        libraries = NEEDED_LIBRARIES.items()
        missing = sorted(
            {pkg for cmd, pkg in NEEDED.items() if not command_exists(cmd)}
            | {pkg for lib, pkg in libraries if ctypes.util.find_library(lib) is None}
        )
    if not missing:
        return 0
    command = ["apt-get", "install", "-y", *missing]
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        print(
            f"{who} these Debian packages: " + ", ".join(missing) + ".\n"
            "Install them as root:  " + " ".join(command),
            file=sys.stderr,
        )
        return 1
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print("Installing " + ", ".join(missing) + " with apt-get ...", flush=True)
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run([*command, "-q"], check=True, env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
