"""The real ``masthead serve`` and ``masthead db_worker``, each on a database of its own.

Each site gets a temporary data folder with a freshly migrated SQLite file and
one published post; processes are started as children and stopped by their PID.
"""

import pytest

from harness.sites import MASTHEAD, ONE_POST, Site, make_site  # noqa: F401


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
