"""A post as CSL-JSON: the one description every output (styles, exports, metadata) reads."""

import hashlib
import json
import re

from django.conf import settings
from django.utils import timezone

from masthead.publishing.models import Author, Institution, Post

# Words that start a family name in lowercase ("van der Berg", "de la Cruz")
# are a particle that stays with the family name: CSL's non-dropping particle.
PARTICLE_WORD = re.compile(r"^[a-z'’]+$")
SENTENCE_END = re.compile(r"[:?!.]$")


def csl_name(author: Author) -> dict:
    if author.is_institutional:
        return {"literal": author.display_name}
    words = author.family_name.split()
    particle = []
    while len(words) > 1 and PARTICLE_WORD.match(words[0]):
        particle.append(words.pop(0))
    name = {"family": " ".join(words)}
    if author.given_name.strip():
        name["given"] = author.given_name.strip()
    if particle:
        name["non-dropping-particle"] = " ".join(particle)
    return name


def family_with_particle(name: dict) -> str:
    """The family name as written, particle included ("van der Berg")."""
    return " ".join(p for p in (name.get("non-dropping-particle"), name["family"]) if p)


def reference_manager_name(name: dict) -> dict:
    """A name as reference managers import it whole.

    Zotero's CSL-JSON import reads only ``family`` and ``given`` (it ignores
    ``non-dropping-particle``), so the particle goes into the family name.
    Only downloads use this: the formatted references keep the particle apart.
    """
    if "literal" in name:
        return dict(name)
    whole = {"family": family_with_particle(name)}
    if name.get("given"):
        whole["given"] = name["given"]
    return whole


def inverted_name(name: dict) -> str:
    """A person as “Family, Given”; an institution's name as it stands."""
    if "literal" in name:
        return name["literal"]
    family = family_with_particle(name)
    return f"{family}, {name['given']}" if name.get("given") else family


def post_url(post: Post) -> str:
    return settings.MASTHEAD_SITE_URL.rstrip("/") + post.get_absolute_url()


def date_parts(moment) -> dict:
    local = timezone.localtime(moment)
    return {"date-parts": [[local.year, local.month, local.day]]}


def post_as_csl(post: Post, *, institution: Institution | None = None) -> dict:
    """The post as one CSL-JSON item (``post-weblog``), its authors in byline order."""
    institution = institution or Institution.current()
    item = {
        "id": f"{post.blog.slug}/{post.slug}",
        "type": "post-weblog",
        "title": post.title,
        "container-title": post.blog.name,
        "publisher": institution.short_name,
        "URL": post_url(post),
    }
    authors = [csl_name(author) for author in post.byline]
    if authors:
        item["author"] = authors
    if post.publish_at:
        item["issued"] = date_parts(post.publish_at)
    doi = assigned_doi(post)
    if doi:
        item["DOI"] = doi
    apa_title = confirmed_sentence_case_title(post)
    if apa_title:
        item["custom"] = {"sentence-case-title": apa_title}
    return item


def version_as_csl(version, *, institution: Institution | None = None) -> dict:
    """The reference to an earlier version: the title it had and its own address.

    None of the core styles prints an update or access date for a dated blog
    post, so the version's address is what names it in the reference.
    """
    item = post_as_csl(version.post, institution=institution)
    item["id"] = f"{item['id']}/versions/{version.number}"
    item["title"] = version.title
    item["URL"] = settings.MASTHEAD_SITE_URL.rstrip("/") + version.get_absolute_url()
    item.pop("custom", None)  # the confirmed sentence-case title is the current title's
    item.pop("DOI", None)  # the DOI names the post as it is now
    return item


def post_for_download(post: Post, *, institution: Institution | None = None) -> dict:
    """The item the CSL-JSON, BibTeX and RIS downloads describe.

    The same post as ``post_as_csl`` with what only a reference manager keeps
    (summary, topics as keywords, language) and names it imports whole. It is
    never formatted, so nothing here can change a formatted reference.
    """
    item = post_as_csl(post, institution=institution)
    if "author" in item:
        item["author"] = [reference_manager_name(name) for name in item["author"]]
    if post.summary:
        item["abstract"] = post.summary
    topics = [topic.name for topic in post.topics.all()]
    if topics:
        item["keyword"] = ", ".join(topics)
    item["language"] = "en"
    return item


def item_for_style(item: dict, *, sentence_case: bool) -> dict:
    """The item as a style should see it: APA-like styles get the confirmed sentence-case title.

    CSL cannot derive sentence case (it cannot tell a proper noun from an
    ordinary word), so APA needs the editor's own version of the title.
    """
    styled = {key: value for key, value in item.items() if key != "custom"}
    title = item.get("custom", {}).get("sentence-case-title")
    if sentence_case and title:
        styled["title"] = title
    return styled


def fingerprint(item: dict) -> str:
    """What a stored citation was formatted from: it is fresh while this is unchanged."""
    return hashlib.sha256(json.dumps(item, sort_keys=True).encode()).hexdigest()


def assigned_doi(post: Post) -> str:
    from masthead.citations.models import PostDoi

    try:
        return post.doi_record.doi
    except PostDoi.DoesNotExist:
        return ""


def confirmed_sentence_case_title(post: Post) -> str:
    from masthead.citations.models import SentenceCaseTitle

    try:
        record = post.sentence_case_title
    except SentenceCaseTitle.DoesNotExist:
        return ""
    return record.title if record.applies_to(post) else ""


def _lower_first_letter(word: str) -> str:
    for index, char in enumerate(word):
        if char.isalpha():
            return word[:index] + char.lower() + word[index + 1 :]
    return word


def suggest_sentence_case(title: str) -> str:
    """A first draft of the title in sentence case, for the editor to correct and confirm.

    Lowercases ordinary capitalised words; keeps the first word, the first
    word after a colon or question mark, acronyms (“EU”) and words with
    capitals inside (“iPhone”, “McKinsey”). Proper nouns it cannot know: the
    editor puts their capitals back before confirming.
    """
    result = []
    starts_sentence = True
    for word in title.split(" "):
        letters = [char for char in word if char.isalpha()]
        keep = (
            starts_sentence
            or not letters
            or (len(letters) > 1 and all(char.isupper() for char in letters))
            or any(char.isupper() for char in letters[1:])
        )
        result.append(word if keep else _lower_first_letter(word))
        if word:
            starts_sentence = bool(SENTENCE_END.search(word.rstrip("\"'”’)")))
    return " ".join(result)
