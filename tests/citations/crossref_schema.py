"""Crossref's deposit schema, read from the commonmeta-py wheel, and a check that uses it.

The wheel (MIT) ships Crossref's XSD files, 5.5.0 with everything it imports;
it is installed for the tests only, without its own dependencies (see the
Makefile), so the schema is found through the package's installed files and
never imported or copied into this repository. The schema is XSD 1.1, hence
``XMLSchema11``; ``allow="local"`` keeps xmlschema off the network, so the
one import with a remote location (MathML) is pointed at the wheel's copy.
"""

import functools
from importlib import metadata
from pathlib import Path

import pytest
import xmlschema

from masthead.citations import dois

SCHEMA_FOLDER = "commonmeta/resources/crossref"
MATHML = "http://www.w3.org/1998/Math/MathML"


def schema_folder() -> Path:
    try:
        distribution = metadata.distribution("commonmeta-py")
    except metadata.PackageNotFoundError:
        pytest.fail("commonmeta-py is missing: `make install-test` installs Crossref's schema")
    return Path(distribution.locate_file(SCHEMA_FOLDER))


@functools.cache
def deposit_schema() -> xmlschema.XMLSchema11:
    """The schema our deposits name (their version), built once per test process (~10 s)."""
    folder = schema_folder()
    main = folder / f"crossref{dois.CROSSREF_SCHEMA_VERSION}.xsd"
    if not main.is_file():
        pytest.fail(f"the installed commonmeta-py has no {main.name}: deposits name a schema "
                    "the wheel does not ship")  # fmt: skip
    return xmlschema.XMLSchema11(
        str(main),
        allow="local",
        locations=[(MATHML, str(folder / "standard-modules" / "mathml3" / "mathml3.xsd"))],
    )


def schema_errors(xml: bytes) -> list[str]:
    """Every reason Crossref's schema refuses this deposit; empty when it is valid."""
    return [f"{error.path}: {error.reason}" for error in deposit_schema().iter_errors(xml.decode())]


def assert_valid_deposit(xml: bytes) -> None:
    errors = schema_errors(xml)
    assert not errors, "\n".join(errors)
