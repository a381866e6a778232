# The importers' fixture that imports an export written in a test (tests/importers).
from tests.importers.conftest import import_wxr  # noqa: F401
