"""Given and family names from a display name, for exports that lack them.

Citations list people by family name, so "Ben van der Berg" must become
given "Ben", family "van der Berg" (the particles belong to the family name,
as the Author model asks), not family "Berg".
"""

# Lower-case particles that begin a family name in the languages our authors write in.
FAMILY_NAME_PARTICLES = frozenset(
    {
        "van", "von", "der", "den", "de", "del", "della", "degli", "di", "da", "das", "dos",
        "du", "la", "le", "ter", "ten", "zu", "af", "av", "bin", "ibn", "al", "el", "st.",
        "ap", "op", "'t", "vander",
    }
)  # fmt: skip


def split_display_name(display_name: str) -> tuple[str, str]:
    """(given, family). One word is a family name; particles start the family name."""
    words = display_name.split()
    if not words:
        return "", ""
    if len(words) == 1:
        return "", words[0]
    # The first word is always a given name; the family name starts at the first particle
    # after it, or is the last word when there is none.
    for index in range(1, len(words) - 1):
        if words[index].casefold() in FAMILY_NAME_PARTICLES:
            return " ".join(words[:index]), " ".join(words[index:])
    return " ".join(words[:-1]), words[-1]
