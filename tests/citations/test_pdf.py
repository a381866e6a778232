"""<post>.pdf: the print layout with the reference, the URL and page numbers, kept per revision."""

import shutil
import subprocess

import pytest

from masthead.citations.models import PrintedPost


def pdf_text(pdf: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: install poppler-utils (scripts/system_packages.py)")
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(done.stdout.decode().split())


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
