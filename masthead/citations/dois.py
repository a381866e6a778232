"""DOIs for posts: an opaque suffix assigned once, and Crossref deposits of their metadata.

A DOI is assigned when a post is first public with ``MASTHEAD_DOI_PREFIX``
set; the deposit (Crossref metadata for posted content, sent over HTTP as
the multipart form Crossref's deposit servlet expects) runs in the background
with retries, and again whenever what was deposited changes (a correction, a
new URL, a new byline).
"""

import hashlib
import secrets
import urllib.error
import urllib.request
import uuid
from xml.etree import ElementTree as ET

from django.conf import settings
from django.utils import timezone

from masthead.citations import csl
from masthead.citations.models import PostDoi
from masthead.publishing.identifiers import ROR_ALPHABET, ror_check_digits
from masthead.publishing.models import Institution, Post

# Crossref's schema 5.5.0, the newest: since 5.4.0 posted content may say it is a blog post.
CROSSREF_SCHEMA_VERSION = "5.5.0"
CROSSREF = f"http://www.crossref.org/schema/{CROSSREF_SCHEMA_VERSION}"
JATS = "http://www.ncbi.nlm.nih.gov/JATS1"
ACCESS = "http://www.crossref.org/AccessIndicators.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = (
    f"{CROSSREF} https://www.crossref.org/schemas/crossref{CROSSREF_SCHEMA_VERSION}.xsd"
)
DEPOSIT_TIMEOUT_SECONDS = 60
# Crockford's base 32 (no i, l, o, u): short, case-insensitive, hard to misread.
SUFFIX_LENGTH = 7


def new_suffix() -> str:
    """Seven random base-32 characters and two check digits (the ROR scheme): ``k3v92xq54``.

    The check digits let a mistyped DOI be recognised before anyone resolves it.
    The first character is never "0", so a suffix is never mistaken for a ROR id.
    """
    body = secrets.choice(ROR_ALPHABET[1:]) + "".join(
        secrets.choice(ROR_ALPHABET) for _ in range(SUFFIX_LENGTH - 1)
    )
    return body + ror_check_digits(body)


def suffix_is_intact(suffix: str) -> bool:
    body, digits = suffix[:SUFFIX_LENGTH], suffix[SUFFIX_LENGTH:]
    return all(c in ROR_ALPHABET for c in body) and ror_check_digits(body) == digits


def deposits_enabled() -> bool:
    """A prefix, a login and an address for Crossref's answer: the schema requires the
    depositor's e-mail address, so a batch without one would only be refused."""
    return bool(
        settings.MASTHEAD_DOI_PREFIX
        and settings.MASTHEAD_CROSSREF_USERNAME
        and settings.MASTHEAD_CROSSREF_PASSWORD
        and settings.MASTHEAD_CROSSREF_DEPOSITOR_EMAIL
    )


def assign(post: Post) -> PostDoi:
    """The post's DOI, assigned now if it has none (a random suffix, tried until unique)."""
    existing = PostDoi.objects.filter(post=post).first()
    if existing is not None:
        return existing
    while True:
        doi = f"{settings.MASTHEAD_DOI_PREFIX}/{new_suffix()}"
        if not PostDoi.objects.filter(doi=doi).exists():
            break
    status = PostDoi.Status.QUEUED if deposits_enabled() else PostDoi.Status.NOT_DEPOSITED
    return PostDoi.objects.create(post=post, doi=doi, status=status)


def _text(parent, tag: str, value: str, **attributes) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = value
    return element


def deposit_xml(post: Post, record: PostDoi, *, institution: Institution | None = None) -> bytes:
    """Crossref metadata for the post as posted content: a batch of one."""
    institution = institution or Institution.current()
    ET.register_namespace("", CROSSREF)
    ET.register_namespace("jats", JATS)
    ET.register_namespace("ai", ACCESS)
    ET.register_namespace("xsi", XSI)
    c = f"{{{CROSSREF}}}"
    batch = ET.Element(
        f"{c}doi_batch",
        {"version": CROSSREF_SCHEMA_VERSION, f"{{{XSI}}}schemaLocation": SCHEMA_LOCATION},
    )
    head = ET.SubElement(batch, f"{c}head")
    _text(head, f"{c}doi_batch_id", uuid.uuid4().hex)
    _text(head, f"{c}timestamp", timezone.now().strftime("%Y%m%d%H%M%S%f")[:17])
    depositor = ET.SubElement(head, f"{c}depositor")
    _text(
        depositor,
        f"{c}depositor_name",
        settings.MASTHEAD_CROSSREF_DEPOSITOR_NAME or institution.name,
    )
    _text(depositor, f"{c}email_address", settings.MASTHEAD_CROSSREF_DEPOSITOR_EMAIL)
    _text(head, f"{c}registrant", institution.short_name)

    body = ET.SubElement(batch, f"{c}body")
    body.append(posted_content(post, record, institution))
    return ET.tostring(batch, encoding="utf-8", xml_declaration=True)


def posted_content(post: Post, record: PostDoi, institution: Institution) -> ET.Element:
    """The deposit's description of the post, without the batch's id and time."""
    c = f"{{{CROSSREF}}}"
    content = ET.Element(f"{c}posted_content", {"type": "blog", "language": "en"})
    _text(content, f"{c}group_title", post.blog.name)
    contributors = ET.SubElement(content, f"{c}contributors")
    for position, author in enumerate(post.byline):
        role = {
            "sequence": "first" if position == 0 else "additional",
            "contributor_role": "author",
        }
        if author.is_institutional:
            _text(contributors, f"{c}organization", author.display_name, **role)
            continue
        person = ET.SubElement(contributors, f"{c}person_name", role)
        if author.given_name:
            _text(person, f"{c}given_name", author.given_name)
        _text(person, f"{c}surname", author.family_name)
        if author.orcid:
            _text(person, f"{c}ORCID", author.orcid_url, authenticated="false")
    titles = ET.SubElement(content, f"{c}titles")
    _text(titles, f"{c}title", post.title)
    posted = timezone.localtime(post.publish_at)
    posted_date = ET.SubElement(content, f"{c}posted_date", {"media_type": "online"})
    _text(posted_date, f"{c}month", f"{posted.month:02d}")
    _text(posted_date, f"{c}day", f"{posted.day:02d}")
    _text(posted_date, f"{c}year", str(posted.year))
    organisation = ET.SubElement(content, f"{c}institution")
    _text(organisation, f"{c}institution_name", institution.name)
    if institution.ror_id:
        _text(organisation, f"{c}institution_id", institution.ror_url, type="ror")
    if post.summary:
        abstract = ET.SubElement(content, f"{{{JATS}}}abstract")
        _text(abstract, f"{{{JATS}}}p", post.summary)
    if settings.MASTHEAD_CONTENT_LICENSE_URL:
        program = ET.SubElement(content, f"{{{ACCESS}}}program", {"name": "AccessIndicators"})
        _text(program, f"{{{ACCESS}}}license_ref", settings.MASTHEAD_CONTENT_LICENSE_URL)
    doi_data = ET.SubElement(content, f"{c}doi_data")
    _text(doi_data, f"{c}doi", record.doi)
    _text(doi_data, f"{c}resource", csl.post_url(post))
    return content


def metadata_fingerprint(post: Post, record: PostDoi) -> str:
    """What a deposit says, less its batch id and time: a change means deposit again."""
    content = posted_content(post, record, Institution.current())
    return hashlib.sha256(ET.tostring(content)).hexdigest()


class DepositFailed(Exception):
    """Crossref refused the deposit or could not be reached; the message says which."""


def _multipart(fields: dict[str, str], file_field: str, filename: str, data: bytes):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        disposition = f'Content-Disposition: form-data; name="{name}"'
        parts.append(f"--{boundary}\r\n{disposition}\r\n\r\n{value}\r\n".encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{filename}"\r\nContent-Type: application/xml\r\n\r\n'.encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def send_deposit(xml: bytes, name: str) -> str:
    """POST the batch to Crossref's deposit servlet; returns its answer or raises DepositFailed."""
    body, content_type = _multipart(
        {
            "operation": "doMDUpload",
            "login_id": settings.MASTHEAD_CROSSREF_USERNAME,
            "login_passwd": settings.MASTHEAD_CROSSREF_PASSWORD,
        },
        "fname",
        name,
        xml,
    )
    request = urllib.request.Request(  # noqa: S310 (the URL is the configured deposit endpoint)
        settings.MASTHEAD_CROSSREF_DEPOSIT_URL,
        data=body,
        headers={"Content-Type": content_type},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=DEPOSIT_TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.read(4000).decode("utf-8", "replace")
    except urllib.error.HTTPError as refused:
        answer = refused.read(4000).decode("utf-8", "replace").strip()
        raise DepositFailed(
            f"Crossref answered {refused.code}: {answer or refused.reason}"
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as unreachable:
        raise DepositFailed(f"Crossref could not be reached: {unreachable}") from None


def deposit(post: Post) -> PostDoi:
    """Deposit the post's current metadata and store the outcome on its DOI record."""
    record = PostDoi.objects.get(post=post)
    xml = deposit_xml(post, record)
    record.attempts += 1
    try:
        answer = send_deposit(xml, f"{record.doi.replace('/', '_')}.xml")
    except DepositFailed as failure:
        record.status = PostDoi.Status.FAILED
        record.message = str(failure)
        record.save(update_fields=["status", "message", "attempts"])
        raise
    record.status = PostDoi.Status.DEPOSITED
    record.message = answer.strip()[:2000]
    record.deposited_hash = metadata_fingerprint(post, record)
    record.deposited_at = timezone.now()
    record.attempts = 0
    record.save()
    return record


def needs_deposit(post: Post, record: PostDoi) -> bool:
    return deposits_enabled() and (
        record.status != PostDoi.Status.DEPOSITED
        or record.deposited_hash != metadata_fingerprint(post, record)
    )
