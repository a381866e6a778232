"""Persistent identifiers for people and organisations: ORCID iDs and ROR ids.

Both carry a check that catches a mistyped character, so a wrong iD is
refused in the admin instead of linking a post to somebody else.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models

ORCID_FORM = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
ORCID_PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/")
# ROR: a zero, six characters of Crockford's base 32 and two check digits.
ROR_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
ROR_FORM = re.compile(r"^0[0-9a-hjkmnp-tv-z]{6}\d{2}$")
ROR_PREFIXES = ("https://ror.org/", "http://ror.org/", "ror.org/")


def _without_prefix(value: str, prefixes: tuple[str, ...]) -> str:
    value = value.strip()
    for prefix in prefixes:
        if value.lower().startswith(prefix):
            return value[len(prefix) :]
    return value


def orcid_check_character(digits: str) -> str:
    """ISO 7064 MOD 11-2 over the first fifteen digits, as ORCID defines it."""
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalize_orcid(value: str) -> str:
    """An iD as written or pasted (with its https://orcid.org/ prefix, spaces, a lower x)."""
    bare = _without_prefix(value, ORCID_PREFIXES).upper().replace(" ", "")
    if re.fullmatch(r"\d{15}[\dX]", bare):
        bare = "-".join(bare[i : i + 4] for i in range(0, 16, 4))
    return bare


def validate_orcid(value: str) -> None:
    if not ORCID_FORM.match(value):
        raise ValidationError(
            "An ORCID iD has 16 characters in four groups, e.g. 0000-0002-1825-0097.",
            code="orcid_form",
        )
    digits = value.replace("-", "")
    if orcid_check_character(digits[:15]) != digits[15]:
        raise ValidationError(
            "This ORCID iD's last character does not match the others: check it for a typo.",
            code="orcid_check",
        )


def ror_check_digits(first_seven: str) -> str:
    """ISO 7064 MOD 97-10 over the base-32 number the first seven characters spell."""
    number = 0
    for char in first_seven:
        number = number * 32 + ROR_ALPHABET.index(char)
    return f"{98 - (number * 100) % 97:02d}"


def normalize_ror(value: str) -> str:
    return _without_prefix(value, ROR_PREFIXES).lower()


def validate_ror(value: str) -> None:
    if not ROR_FORM.match(value):
        raise ValidationError(
            "A ROR id has nine characters and starts with 0, e.g. 03yrm5c26.", code="ror_form"
        )
    if ror_check_digits(value[:7]) != value[7:]:
        raise ValidationError(
            "This ROR id's last two digits do not match the rest: check it for a typo.",
            code="ror_check",
        )


class OrcidField(models.CharField):
    """An ORCID iD stored bare (0000-0002-1825-0097), accepted as a link too."""

    default_validators = [validate_orcid]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 19)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_orcid(value) if value else value

    def formfield(self, **kwargs):
        # Room for the pasted link; the model field stores the bare id.
        return super().formfield(**{**kwargs, "max_length": 100})


class RorField(models.CharField):
    """A ROR id stored bare (03yrm5c26), accepted as a link too."""

    default_validators = [validate_ror]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 9)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_ror(value) if value else value

    def formfield(self, **kwargs):
        # Room for the pasted link; the model field stores the bare id.
        return super().formfield(**{**kwargs, "max_length": 100})
