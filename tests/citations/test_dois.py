"""DOIs: assigned once at first publication, used everywhere, deposited with Crossref.

A local HTTP server (pytest-httpserver) stands in for Crossref's deposit
servlet: real HTTP, the real multipart form, never the real service. Every
deposit it receives, and every deposit the demo's posts would make, is
validated against Crossref's own schema (tests/citations/crossref_schema.py).
"""

import json
import re
from io import StringIO
from xml.etree import ElementTree as ET

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks.backends.database.models import DBTaskResult
from werkzeug import Response

from masthead.citations import dois
from masthead.citations.formatting import core_styles, format_posts, stored_citations
from masthead.citations.models import PostDoi
from masthead.citations.tasks import deposit_changed_dois, deposit_post_doi
from masthead.publishing.models import Institution, Post
from masthead.server.sample.loader import load_sample_content
from tests.citations.crossref_schema import assert_valid_deposit, schema_errors
from tests.conftest import make_post

CR = {"cr": dois.CROSSREF, "jats": dois.JATS}
ORCID = "0000-0002-1825-0097"


@pytest.fixture
def doi_prefix(settings):
    settings.MASTHEAD_DOI_PREFIX = "10.5555"
    settings.MASTHEAD_SITE_URL = "https://harbour.example.org"
    return settings.MASTHEAD_DOI_PREFIX


@pytest.fixture
def crossref(httpserver, settings, doi_prefix):
    """The stand-in for Crossref, and the site configured to deposit with it."""
    settings.MASTHEAD_CROSSREF_DEPOSIT_URL = httpserver.url_for("/servlet/deposit")
    settings.MASTHEAD_CROSSREF_USERNAME = "harbour"
    settings.MASTHEAD_CROSSREF_PASSWORD = "s3cret"
    settings.MASTHEAD_CROSSREF_DEPOSITOR_NAME = "Harbour Institute web team"
    settings.MASTHEAD_CROSSREF_DEPOSITOR_EMAIL = "web@harbour.example.org"
    return httpserver


class Deposits:
    """What the stand-in received: one parsed form per deposit."""

    def __init__(self):
        self.forms: list[dict] = []

    def accept(self, request):
        upload = request.files["fname"]
        self.forms.append(
            {**request.form.to_dict(), "filename": upload.filename, "xml": upload.read()}
        )
        return Response("<html><body>SUCCESS: your batch was received</body></html>", 200)

    def assert_all_valid(self):
        assert self.forms, "no deposit was received"
        for form in self.forms:
            assert_valid_deposit(form["xml"])


def test_a_post_gets_a_doi_with_an_opaque_checked_suffix_when_first_published(
    blog, ada, doi_prefix
):
    post = make_post(blog, [ada], title="First Post", slug="first")
    doi = post.doi_record.doi
    prefix, suffix = doi.split("/")
    assert prefix == "10.5555"
    assert re.fullmatch(r"[1-9a-hjkmnp-tv-z][0-9a-hjkmnp-tv-z]{6}\d{2}", suffix)
    assert dois.suffix_is_intact(suffix)
    assert not dois.suffix_is_intact(suffix[:-1] + str((int(suffix[-1]) + 1) % 10))


def test_the_doi_never_changes_even_when_the_slug_does(blog, ada, doi_prefix):
    post = make_post(blog, [ada], title="First Post", slug="first")
    doi = post.doi_record.doi
    post.slug, post.title = "renamed", "A New Title"
    post.save()
    assert PostDoi.objects.get(post=post).doi == doi


def test_a_draft_gets_no_doi_and_without_a_prefix_nobody_does(blog, ada, draft_post, settings):
    assert not PostDoi.objects.filter(post=draft_post).exists()
    settings.MASTHEAD_DOI_PREFIX = ""
    post = make_post(blog, [ada], title="No Prefix", slug="no-prefix")
    assert not PostDoi.objects.filter(post=post).exists()


def test_the_doi_is_on_the_page_in_the_metadata_and_in_every_download(
    client, doi_prefix, published_post
):
    published_post.save()  # public with a prefix set: the DOI is assigned
    doi = PostDoi.objects.get(post=published_post).doi
    page = client.get("/energy/batteries-alone/").content.decode()
    assert f'<a class="post__doi" href="https://doi.org/{doi}">DOI: {doi}</a>' in page
    assert f'<meta name="citation_doi" content="{doi}">' in page
    json_ld = json.loads(page.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert json_ld["identifier"] == f"https://doi.org/{doi}"
    [item] = json.loads(client.get("/energy/batteries-alone/cite.json").content)
    assert item["DOI"] == doi
    assert f"  doi = {{{doi}}}" in client.get("/energy/batteries-alone/cite.bib").content.decode()
    ris = client.get("/energy/batteries-alone/cite.ris").content.decode().split("\r\n")
    assert f"DO  - {doi}" in ris


def test_every_core_style_prints_the_doi_as_a_link(doi_prefix, published_post):
    published_post.save()
    post = Post.objects.with_byline().get(pk=published_post.pk)
    format_posts([post], core_styles())
    doi = post.doi_record.doi
    for style_id, citation in stored_citations(post, core_styles()).items():
        assert f"https://doi.org/{doi}" in citation.text, style_id


def test_a_deposit_is_crossref_posted_content_sent_as_its_multipart_form(
    crossref, published_post, research_team, ada, institution
):
    ada.orcid = ORCID
    ada.save()
    institution.ror_id = "03yrm5c26"
    institution.save()
    published_post.bylines.create(author=research_team, position=2)
    deposits = Deposits()
    crossref.expect_request("/servlet/deposit", method="POST").respond_with_handler(deposits.accept)
    published_post.save()
    assert deposit_post_doi.call(published_post.pk) == "deposited"

    [form] = deposits.forms
    assert form["operation"] == "doMDUpload"
    assert (form["login_id"], form["login_passwd"]) == ("harbour", "s3cret")
    record = PostDoi.objects.get(post=published_post)
    assert form["filename"] == record.doi.replace("/", "_") + ".xml"
    deposits.assert_all_valid()
    root = ET.fromstring(form["xml"])  # noqa: S314 (our own output)
    assert root.tag == "{http://www.crossref.org/schema/5.5.0}doi_batch"
    assert root.get("version") == "5.5.0"
    assert root.get(f"{{{dois.XSI}}}schemaLocation") == (
        "http://www.crossref.org/schema/5.5.0 https://www.crossref.org/schemas/crossref5.5.0.xsd"
    )
    assert root.findtext("cr:head/cr:depositor/cr:email_address", namespaces=CR) == (
        "web@harbour.example.org"
    )
    content = root.find("cr:body/cr:posted_content", CR)
    assert content.get("type") == "blog"
    assert content.findtext("cr:group_title", namespaces=CR) == "Energy Desk"
    contributors = list(content.find("cr:contributors", CR))
    assert [(c.tag.split("}")[1], c.get("sequence")) for c in contributors] == [
        ("person_name", "first"), ("person_name", "additional"), ("organization", "additional")
    ]  # fmt: skip
    assert contributors[0].findtext("cr:ORCID", namespaces=CR) == f"https://orcid.org/{ORCID}"
    assert contributors[1].findtext("cr:surname", namespaces=CR) == "van der Berg"
    assert contributors[2].text == "Harbour Energy Team"
    assert content.findtext("cr:titles/cr:title", namespaces=CR) == published_post.title
    day = timezone.localtime(published_post.publish_at)
    assert content.findtext("cr:posted_date/cr:day", namespaces=CR) == f"{day.day:02d}"
    assert content.findtext("cr:institution/cr:institution_id", namespaces=CR) == (
        "https://ror.org/03yrm5c26"
    )
    assert content.findtext("jats:abstract/jats:p", namespaces=CR) == published_post.summary
    assert content.findtext("cr:doi_data/cr:doi", namespaces=CR) == record.doi
    assert content.findtext("cr:doi_data/cr:resource", namespaces=CR) == (
        "https://harbour.example.org/energy/batteries-alone/"
    )
    assert record.status == PostDoi.Status.DEPOSITED
    assert "SUCCESS" in record.message


def test_a_refused_deposit_is_stored_with_crossrefs_message_and_tried_again_later(
    crossref, published_post
):
    crossref.expect_request("/servlet/deposit", method="POST").respond_with_data(
        "Login failed: bad credentials", status=401
    )
    published_post.save()
    before = DBTaskResult.objects.count()
    assert deposit_post_doi.call(published_post.pk).startswith("failed")
    record = PostDoi.objects.get(post=published_post)
    assert record.status == PostDoi.Status.FAILED
    assert record.message == "Crossref answered 401: Login failed: bad credentials"
    [retry] = DBTaskResult.objects.all()[before:]
    assert retry.task_path.endswith("deposit_post_doi")
    assert retry.run_after > timezone.now()


def test_a_correction_or_a_new_url_deposits_again_and_nothing_else_does(crossref, published_post):
    deposits = Deposits()
    crossref.expect_request("/servlet/deposit", method="POST").respond_with_handler(deposits.accept)
    published_post.save()
    deposit_post_doi.call(published_post.pk)
    assert deposit_post_doi.call(published_post.pk) == "nothing to deposit"

    post = Post.objects.get(pk=published_post.pk)
    post.title = "Batteries Will Not Save the Grid on Their Own"
    post.updated_at = timezone.now()
    post.correction_note = "Clarified the title."
    post.save()
    assert deposit_post_doi.call(published_post.pk) == "deposited"
    post.slug = "batteries-on-their-own"
    post.save()
    assert deposit_post_doi.call(published_post.pk) == "deposited"
    resources = [
        ET.fromstring(form["xml"]).findtext(  # noqa: S314 (our own output)
            "cr:body/cr:posted_content/cr:doi_data/cr:resource", namespaces=CR
        )
        for form in deposits.forms
    ]
    assert resources[-1].endswith("/energy/batteries-on-their-own/")
    assert len(deposits.forms) == 3
    deposits.assert_all_valid()  # the first deposit, the correction and the new URL


def test_register_dois_dry_run_says_what_it_would_do_and_changes_nothing(
    crossref, published_post, settings
):
    PostDoi.objects.all().delete()  # as if it was public before the prefix was set
    out = StringIO()
    call_command("register_dois", "--dry-run", stdout=out)
    assert out.getvalue().strip() == (
        "1 DOIs would be assigned, 1 would be deposited, 0 failed, 0 already up to date."
    )
    assert not PostDoi.objects.exists()
    assert not crossref.log


def test_register_dois_gives_earlier_posts_their_doi_and_deposits_it(
    crossref, published_post, settings
):
    PostDoi.objects.all().delete()  # as if it was public before the prefix was set
    deposits = Deposits()
    crossref.expect_request("/servlet/deposit", method="POST").respond_with_handler(deposits.accept)
    out = StringIO()
    call_command("register_dois", stdout=out)
    assert "1 DOIs assigned, 1 deposited, 0 failed" in out.getvalue()
    assert PostDoi.objects.get(post=published_post).status == PostDoi.Status.DEPOSITED
    assert len(deposits.forms) == 1
    deposits.assert_all_valid()


def test_an_authors_new_orcid_id_is_deposited_again_for_their_posts(
    crossref, published_post, ada, django_capture_on_commit_callbacks
):
    deposits = Deposits()
    crossref.expect_request("/servlet/deposit", method="POST").respond_with_handler(deposits.accept)
    published_post.save()
    deposit_post_doi.call(published_post.pk)
    with django_capture_on_commit_callbacks(execute=True):
        ada.orcid = ORCID
        ada.save()
    queued = DBTaskResult.objects.filter(task_path__endswith="deposit_changed_dois")
    assert queued.count() == 1
    assert deposit_changed_dois.call([published_post.pk]) == 1
    assert deposit_post_doi.call(published_post.pk) == "deposited"
    content = ET.fromstring(deposits.forms[-1]["xml"])  # noqa: S314 (our own output)
    assert f"https://orcid.org/{ORCID}" in ET.tostring(content).decode()
    deposits.assert_all_valid()


def test_crossrefs_schema_refuses_a_deposit_without_its_titles(
    doi_prefix, published_post, settings
):
    """The schema check can fail: the same deposit, less one required element."""
    settings.MASTHEAD_CROSSREF_DEPOSITOR_EMAIL = "web@harbour.example.org"
    published_post.save()
    record = PostDoi.objects.get(post=published_post)
    xml = dois.deposit_xml(published_post, record)
    assert schema_errors(xml) == []
    root = ET.fromstring(xml)  # noqa: S314 (our own output)
    content = root.find("cr:body/cr:posted_content", CR)
    content.remove(content.find("cr:titles", CR))
    errors = schema_errors(ET.tostring(root, encoding="utf-8", xml_declaration=True))
    assert errors and "titles" in "\n".join(errors)


def test_every_demo_post_makes_a_deposit_crossrefs_schema_accepts(db, doi_prefix, settings):
    """One author, several, an institution, particles, ORCID iDs, no summary; with and
    without the institution's ROR id and a content licence."""
    settings.MASTHEAD_CROSSREF_DEPOSITOR_EMAIL = "web@harbour.example.org"
    load_sample_content()
    # Every demo post has a summary; a post without one is added beside them.
    first = Post.objects.public().first()
    # (Its body has no sentence to make an automatic summary from: a heading only.)
    make_post(first.blog, list(first.byline), title="Without a Summary", slug="no-summary",
              summary="", body="## Figures only")  # fmt: skip
    posts = list(Post.objects.public().with_byline())
    assert len(posts) >= 20
    kinds = {
        "one author": any(len(p.byline) == 1 for p in posts),
        "several": any(len(p.byline) > 1 for p in posts),
        "institutional": any(a.is_institutional for p in posts for a in p.byline),
        "particle": any(" " in a.family_name for p in posts for a in p.byline),
        "ORCID": any(a.orcid for p in posts for a in p.byline),
        "no summary": any(not p.summary for p in posts),
    }
    institution = Institution.current()
    for ror_id, licence in (
        ("", ""),
        ("03yrm5c26", "https://creativecommons.org/licenses/by/4.0/"),
    ):
        institution.ror_id = ror_id
        institution.save()
        settings.MASTHEAD_CONTENT_LICENSE_URL = licence
        for post in posts:
            xml = dois.deposit_xml(post, dois.assign(post), institution=institution)
            errors = schema_errors(xml)
            assert not errors, f"{post.slug}: " + "\n".join(errors)
    assert all(kinds.values()), kinds
