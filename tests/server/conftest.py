"""The real ``masthead serve`` and ``masthead db_worker``, each on a database of its own.

Each site gets a temporary data folder with a freshly migrated SQLite file and
one published post; processes are started as children and stopped by their PID.
"""

import functools
import subprocess
import tempfile
from pathlib import Path

import pytest

from harness import sites
from harness.sites import MASTHEAD, ONE_POST, Site, migrate, site_environment  # noqa: F401
from tests import isolation


@functools.cache
def migrated_sqlite_file() -> Path:
    """A SQLite database ``masthead migrate`` made, once per test process, to copy from."""
    data_dir = Path(tempfile.mkdtemp(prefix="migrated-", dir=isolation.DATA_DIR))
    migrate(site_environment(data_dir))
    return data_dir / "masthead.sqlite3"


@functools.cache
def collected_static_files() -> Path:
    """``masthead collectstatic``'s output as ``serve`` makes it, once per test process."""
    data_dir = Path(tempfile.mkdtemp(prefix="collected-", dir=isolation.DATA_DIR))
    env = site_environment(data_dir, MASTHEAD_COLLECTED_STATIC="true")
    subprocess.run([MASTHEAD, "collectstatic", "--noinput", "-v", "0"], env=env, check=True,
                   timeout=300)  # fmt: skip
    return data_dir / "static"


def make_site(data_dir: Path, **settings: str) -> Site:
    """A site copied from this process's migrated database and collected static files."""
    return sites.make_site(
        data_dir, migrated_copy=migrated_sqlite_file(), static_files=collected_static_files(),
        **settings,
    )  # fmt: skip


@pytest.fixture
def new_site(tmp_path_factory):
    """Make sites with the given settings; their processes are stopped after the test."""
    sites = []

    def new(**settings: str) -> Site:
        site = make_site(tmp_path_factory.mktemp("site"), **settings)
        sites.append(site)
        return site

    yield new
    for site in sites:
        site.stop_all()
