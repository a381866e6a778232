"""<post>.pdf: the print layout with the reference, the URL and page numbers, kept per revision;
a tagged PDF that names its post (title, byline, blog, topics, dates, language)."""

import re
import shutil
import subprocess
import zlib

import pytest
from django.utils import timezone

from masthead.citations.models import PrintedPost
from masthead.publishing.models import Post


def pdf_text(pdf: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: install poppler-utils (scripts/system_packages.py)")
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(done.stdout.decode().split())


def poppler(tool: str, pdf: bytes, *options: str) -> str:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is missing: install poppler-utils (scripts/system_packages.py)")
    done = subprocess.run([tool, *options, "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode()


def pdf_info(pdf: bytes) -> dict[str, str]:
    """The document information as poppler's pdfinfo reads it: Title, Author, Tagged ..."""
    fields = {}
    for line in poppler("pdfinfo", pdf).splitlines():
        name, _, value = line.partition(":")
        fields[name.strip()] = value.strip()
    return fields


def catalog_language(pdf: bytes) -> str | None:
    """The /Lang entry of the document catalog, which WeasyPrint writes in a compressed
    object stream (pdfinfo does not print it)."""
    for start in re.finditer(rb"stream\r?\n", pdf):
        try:
            objects = zlib.decompressobj().decompress(pdf[start.end() :])
        except zlib.error:
            continue
        found = re.search(rb"/Type /Catalog.*?/Lang \(([^)]*)\)", objects)
        if found:
            return found[1].decode()
    return None


def test_the_pdf_is_the_printed_post_with_its_citation_url_and_page_numbers(
    client, site_url, formatted_post
):
    response = client.get("/energy/batteries-alone.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Batteries Will Not Save the Grid Alone" in text
    assert "By Ada Okafor and Ben van der Berg" in text
    assert "Cite as: Okafor, Ada, and Ben van der Berg." in text
    # In the reference, and as the address under it: the site's, not the request's host.
    assert text.count("https://harbour.example.org/energy/batteries-alone/") == 2
    assert "testserver" not in text
    assert "Page 1 of 1" in text
    assert "Cite this post" not in text  # the dialog, actions and forms are not printed
    assert "Skip to content" not in text


def test_the_pdf_is_rendered_once_per_revision(client, formatted_post):
    first = client.get("/energy/batteries-alone.pdf").content
    rendered_at = PrintedPost.objects.get(post=formatted_post).rendered_at
    assert client.get("/energy/batteries-alone.pdf").content == first
    assert PrintedPost.objects.get(post=formatted_post).rendered_at == rendered_at

    formatted_post.body = "A corrected body."
    formatted_post.save()
    client.get("/energy/batteries-alone.pdf")
    printed = PrintedPost.objects.get(post=formatted_post)
    assert printed.rendered_at > rendered_at
    assert printed.revision == formatted_post.revision


def test_a_draft_has_no_public_pdf(client, draft_post):
    assert client.get("/energy/tariffs.pdf").status_code == 404


def test_the_pdf_is_tagged_and_names_its_title_byline_blog_topics_and_language(
    client, formatted_post
):
    pdf = client.get("/energy/batteries-alone.pdf").content
    info = pdf_info(pdf)
    assert info["Title"] == "Batteries Will Not Save the Grid Alone"
    assert info["Author"] == "Ada Okafor, Ben van der Berg"
    assert info["Subject"] == "Energy Desk"
    assert info["Keywords"] == "Grid Storage"
    assert info["Tagged"] == "yes"
    published = timezone.localtime(formatted_post.publish_at)
    assert published.strftime("%b") in info["CreationDate"]
    assert str(published.year) in info["CreationDate"]
    xmp = poppler("pdfinfo", pdf, "-meta")
    assert 'pdfuaid:part="1"' in xmp  # declares PDF/UA-1
    assert "<rdf:li>Ada Okafor</rdf:li><rdf:li>Ben van der Berg</rdf:li>" in xmp
    assert catalog_language(pdf) == "en"
    structure = poppler("pdfinfo", pdf, "-struct")
    assert "H1" in structure and "P (block)" in structure


def test_the_post_page_names_its_pdf_for_google_scholar_and_browsers(client, formatted_post):
    page = client.get("/energy/batteries-alone/").content.decode()
    pdf_url = "http://testserver/energy/batteries-alone.pdf"
    assert f'<meta name="citation_pdf_url" content="{pdf_url}">' in page
    assert (
        f'<link rel="alternate" type="application/pdf" href="{pdf_url}" '
        'title="Batteries Will Not Save the Grid Alone (PDF)">'
    ) in page
    response = client.get(pdf_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_an_earlier_versions_pdf_names_that_version(client, formatted_post, site_url):
    post = Post.objects.get(pk=formatted_post.pk)
    post.title = "Storage Alone Will Not Do"
    post.body = "New text."
    post.updated_at = timezone.now()
    post.correction_note = "Retitled."
    post.save()
    version_page = client.get("/energy/batteries-alone/versions/1/").content.decode()
    assert 'href="/energy/batteries-alone/versions/1.pdf"' in version_page

    response = client.get("/energy/batteries-alone/versions/1.pdf")
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    info = pdf_info(response.content)
    assert info["Title"] == "Batteries Will Not Save the Grid Alone (version 1)"
    assert info["Author"] == "Ada Okafor, Ben van der Berg"
    assert info["Tagged"] == "yes"
    text = pdf_text(response.content)
    assert "This is version 1 of this post" in text
    assert "Version 1: https://harbour.example.org/energy/batteries-alone/versions/1/" in text
    assert "This version as PDF" not in text
    assert client.get("/energy/batteries-alone/versions/2.pdf").status_code == 404
