"""A pytest plugin: each process of the suite keeps its files in a folder of its own.

pyproject.toml loads it (`-p tests.isolation`) before Django reads its settings, so
``MASTHEAD_DATA_DIR`` (SQLite files, uploaded media, collected static files, the page
cache's version file) is a fresh temporary folder for this process: two pytest-xdist
workers never write into one folder, and no run writes into the checkout's ``var/``,
where the demo's or an operator's site lives. The folder goes when the process ends.
"""

import atexit
import os
import shutil
import tempfile

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
DATA_DIR = tempfile.mkdtemp(prefix=f"masthead-suite-{WORKER}-")
os.environ["MASTHEAD_DATA_DIR"] = DATA_DIR
os.environ.pop("MASTHEAD_MEDIA_ROOT", None)
atexit.register(shutil.rmtree, DATA_DIR, ignore_errors=True)
