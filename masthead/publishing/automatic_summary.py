"""A summary for a post whose writer gave none: the body's first sentences, as plain text.

Listings, feeds, link previews and the API all read ``Post.summary``; a post imported
without an excerpt (or written in a hurry) left them bare. The text is taken from the
body as readers see it (the rendered HTML), so Markdown signs, footnote marks, image
captions, headings, code blocks and tables never end up in it: only the words of the
paragraphs. Sentences are found by ``sentencex`` (a maintained segmenter that knows
abbreviations such as "Dr." or "e.g." and the full stops of many scripts), and whole
sentences are kept until about 40 words; a single sentence longer than 60 words is cut
at a clause or word and ends with "…".
"""

import re
import unicodedata
from html.parser import HTMLParser

import sentencex
from django.conf import settings

# About 40–60 words: enough to say what the post argues, short enough for a card.
FEWEST_WORDS = 40
MOST_WORDS = 60
# Within Post.summary's 600-character limit, with room to spare for long words.
MOST_CHARACTERS = 480
ELLIPSIS = "…"

# What readers do not read as the opening of the text.
SKIPPED_ELEMENTS = {"figure", "figcaption", "pre", "table", "h1", "h2", "h3", "h4", "h5", "h6"}
SKIPPED_CLASSES = {"footnotes", "footnote-ref"}
VOID_ELEMENTS = {"br", "img", "hr", "wbr", "input", "source", "col", "area", "meta", "link"}
ASCII_SPACES = re.compile(r"[ \t\n\r\f\v]+")
CLAUSE_END = re.compile(r"[,;:\u2013\u2014\u3001\uff0c\uff1b]$")


class _ParagraphText(HTMLParser):
    """The text of each paragraph of a rendered body, in order, outside skipped parts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._open: list[tuple[str, bool]] = []  # (tag, whether it starts a skipped part)
        self._skipping = 0
        self._paragraph_depth = 0
        self._current: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID_ELEMENTS:
            if tag == "br":
                self._current.append(" ")
            return
        classes = set((dict(attrs).get("class") or "").split())
        skipped = tag in SKIPPED_ELEMENTS or bool(classes & SKIPPED_CLASSES)
        self._open.append((tag, skipped))
        self._skipping += skipped
        if tag == "p" and not self._skipping:
            self._flush()
            self._paragraph_depth += 1

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS:
            return
        # Close up to the matching open tag (sanitised HTML is well formed; be lenient).
        while self._open:
            open_tag, skipped = self._open.pop()
            self._skipping -= skipped
            if open_tag == "p" and self._paragraph_depth and not self._skipping:
                self._paragraph_depth -= 1
                self._flush()
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._paragraph_depth and not self._skipping:
            self._current.append(data)

    def _flush(self):
        # Line breaks and runs of spaces become one space; a no-break space is kept.
        text = ASCII_SPACES.sub(" ", "".join(self._current)).strip(" ")
        if text:
            self.paragraphs.append(text)
        self._current = []

    def close(self):
        super().close()
        self._flush()


def paragraphs_of(body_html: str) -> list[str]:
    parser = _ParagraphText()
    parser.feed(body_html or "")
    parser.close()
    return parser.paragraphs


def _is_wide(character: str) -> bool:
    return unicodedata.east_asian_width(character) in ("W", "F")


def word_count(text: str) -> float:
    """Words as a reader counts them: Chinese and Japanese write none apart, so two of
    their characters count as one word."""
    wide = sum(1 for character in text if _is_wide(character))
    spaced = sum(1 for token in text.split() if not all(_is_wide(c) for c in token))
    return spaced + wide / 2


def _language() -> str:
    return (settings.LANGUAGE_CODE or "en").split("-")[0]


def _cut(sentence: str) -> str:
    """A sentence too long for a summary, cut at a clause (or else a word) and marked so."""
    if any(_is_wide(c) for c in sentence):
        kept, count = "", 0.0
        for character in sentence:
            count += 0.5 if _is_wide(character) else (1 if character.isspace() else 0)
            if count > MOST_WORDS or len(kept) >= MOST_CHARACTERS:
                break
            kept += character
        return kept.rstrip() + ELLIPSIS
    words = sentence.split()[:MOST_WORDS]
    while len(" ".join(words)) > MOST_CHARACTERS:
        words.pop()
    # The last clause break in the second half reads better than a word cut mid-phrase.
    for end in range(len(words), len(words) // 2, -1):
        if CLAUSE_END.search(words[end - 1]):
            words = words[:end]
            break
    return " ".join(words).rstrip(",;:\u2013\u2014 ") + ELLIPSIS


def summary_from_body(body_html: str) -> str:
    """The opening sentences of ``body_html`` as plain text (about 40–60 words); "" if the
    body has no paragraph of text (only a heading, a picture, code or a table)."""
    language = _language()
    chosen: list[str] = []
    words = 0.0
    for paragraph in paragraphs_of(body_html):
        sentences = [s for s in sentencex.segment(language, paragraph) if s.strip()]
        for position, sentence in enumerate(sentences):
            size = word_count(sentence)
            length = len("".join(chosen)) + len(sentence)
            if chosen and (words + size > MOST_WORDS or length > MOST_CHARACTERS):
                return _joined(chosen)
            if not chosen and (size > MOST_WORDS or len(sentence) > MOST_CHARACTERS):
                return _cut(sentence.strip())
            # Sentences of one paragraph keep their own spacing (none between Japanese ones).
            chosen.append(sentence if position < len(sentences) - 1 else sentence.rstrip() + " ")
            words += size
            if words >= FEWEST_WORDS:
                return _joined(chosen)
    return _joined(chosen)


def _joined(sentences: list[str]) -> str:
    return re.sub(r" {2,}", " ", "".join(sentences)).strip()
