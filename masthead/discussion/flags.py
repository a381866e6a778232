"""Why a moderator should look twice at a comment, in words they will read.

Two kinds of flag. *Sender* flags describe how the comment arrived (a first-time
commenter, the rate, the hidden field, the form's timing); they are fixed at
submission. *Text* flags describe what the comment says (links, listed words, a
duplicate); they are computed again whenever the text changes, so an edit can
never hide behind the flags of the text it replaced.

This module knows nothing of the models: the moderators' rules are passed in.
"""

from dataclasses import dataclass

from masthead.discussion.text import count_links

EDITED_FLAG = "Edited after submission"
DUPLICATE_FLAG = "Duplicate of an earlier comment"
_LINKS_MARK = " links (more than "
_LISTED_MARK = "Listed word: "


@dataclass(frozen=True)
class Rules:
    max_links: int
    words: tuple[str, ...]


def text_flags(body: str, *, rules: Rules, duplicate: bool, html: str | None = None) -> list[str]:
    """``html``: the body as rendered for readers, when the caller has it (see count_links)."""
    flags = []
    links = count_links(body, html)
    if links > rules.max_links:
        flags.append(f"{links}{_LINKS_MARK}{rules.max_links})")
    folded = body.casefold()
    listed = [word for word in rules.words if word in folded]
    if listed:
        flags.append(_LISTED_MARK + ", ".join(listed[:5]))
    if duplicate:
        flags.append(DUPLICATE_FLAG)
    return flags


def is_text_flag(flag: str) -> bool:
    return (
        flag in (DUPLICATE_FLAG, EDITED_FLAG)
        or flag.startswith(_LISTED_MARK)
        or (_LINKS_MARK in flag and flag.split(" ", 1)[0].isdigit())
    )


def flags_after_edit(
    old_flags: list[str], body: str, *, rules: Rules, duplicate: bool, html: str | None = None
) -> list[str]:
    """The sender's flags as they were, the text's flags afresh, and the edit itself."""
    kept = [flag for flag in old_flags if not is_text_flag(flag)]
    return [*kept, *text_flags(body, rules=rules, duplicate=duplicate, html=html), EDITED_FLAG]
