"""import_wxr --fetch-media brings home the documents a body links to (a PDF, a recording),
served from here with their own type, the links rewritten; what is not the document its
name says (a page of HTML called report.pdf, an SVG) never reaches our origin.

A real HTTP server on the loopback interface stands in for the old site."""

import pytest
from werkzeug import Response

from masthead.importers.models import ImportedDocument, ImportedPost
from masthead.importers.wordpress_documents import safe_name
from tests.importers.wxr_builder import attachment, export, post

UPLOADS = "/wp-content/uploads/2020/06/"
# The first bytes are what makes each what it is; the rest is the writer's.
A_PDF = b"%PDF-1.4\n% The council's annual report on the river works.\n" + b"0" * 2000
AN_MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 500
A_PAGE = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
AN_SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def the_post():
    return ImportedPost.objects.get(wordpress_id=1).post


def archive(server, *names, extra=""):
    """A post linking each of ``names`` on the old site (the first also an attachment)."""
    links = " ".join(
        f'<a href="{server.url_for(UPLOADS + name)}">Read {n}</a>' for n, name in enumerate(names)
    )
    return export(
        attachment(7, server.url_for(UPLOADS + names[0]), title="The report", parent=1),
        post(1, content=f"<p>The report is out. {links}</p>{extra}"),
    )


def serve(server, name, data, content_type, oneshot=False):
    expect = server.expect_oneshot_request if oneshot else server.expect_request
    expect(UPLOADS + name).respond_with_data(data, content_type=content_type)


def fetch_args(server):
    return ("--fetch-media", "--allow-host", server.host)


def test_linked_documents_come_home_and_the_body_links_the_copies(old_site, import_wxr, client):
    serve(old_site, "annual-report-2020.pdf", A_PDF, "application/pdf")
    serve(old_site, "council-meeting.mp3", AN_MP3, "audio/mpeg")
    recording = old_site.url_for(UPLOADS + "council-meeting.mp3")
    summary = import_wxr(
        archive(old_site, "annual-report-2020.pdf", extra=f'\n\n[audio mp3="{recording}"][/audio]'),
        *fetch_args(old_site),
    )
    html = the_post().body_html
    assert old_site.url_for("/") not in html  # no link to the old site is left
    copies = {d.content_type: d for d in ImportedDocument.objects.all()}
    assert set(copies) == {"application/pdf", "audio/mpeg"}
    pdf = copies["application/pdf"]
    assert pdf.stored_file.startswith("documents/") and pdf.stored_file.endswith(
        "/annual-report-2020.pdf"
    )
    assert f'href="/media/{pdf.stored_file}"' in html
    assert f"/media/{copies['audio/mpeg'].stored_file}" in the_post().body
    response = client.get(f"/media/{pdf.stored_file}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == A_PDF
    assert "pdf fetched from the old site" in summary


@pytest.mark.parametrize(
    ("name", "data", "content_type", "reason"),
    [
        ("report.pdf", A_PAGE, "text/html", "the old site called it text/html"),
        ("report.pdf", A_PAGE, "application/pdf", "not a file of a known kind"),
        ("drawing.pdf", AN_SVG, "application/octet-stream", "not a file of a known kind"),
        ("speech.mp3", A_PDF, "audio/mpeg", "its bytes are a pdf file, not mp3"),
    ],
)
def test_a_file_that_is_not_the_document_its_name_says_is_refused_and_the_link_kept(
    old_site, import_wxr, name, data, content_type, reason
):
    serve(old_site, name, data, content_type)
    summary = import_wxr(archive(old_site, name), *fetch_args(old_site))
    assert not ImportedDocument.objects.exists()
    assert f'href="{old_site.url_for(UPLOADS + name)}"' in the_post().body_html
    assert reason in summary and "the link keeps its old address" in summary


def test_pages_scripts_and_pictures_of_svg_are_never_even_asked_for(old_site, import_wxr):
    names = ("index.html", "tracker.js", "logo.svg", "feed.xml", "notes.pdf.html")
    import_wxr(archive(old_site, *names), *fetch_args(old_site))
    assert old_site.log == []
    assert not ImportedDocument.objects.exists()


def test_a_document_over_the_limit_is_not_kept(old_site, import_wxr, settings):
    settings.MASTHEAD_DOCUMENT_FETCH_MAX_BYTES = 1_000
    serve(old_site, "big.pdf", A_PDF, "application/pdf")
    summary = import_wxr(archive(old_site, "big.pdf"), *fetch_args(old_site))
    assert not ImportedDocument.objects.exists()
    assert "larger than 1,000 bytes" in summary


def test_a_redirect_to_a_loopback_address_not_allowed_is_refused(old_site, import_wxr):
    inside = old_site.url_for("/private/secret.pdf").replace(old_site.host, "127.0.0.1")
    old_site.expect_request(UPLOADS + "report.pdf").respond_with_response(
        Response(status=302, headers={"Location": inside})
    )
    old_site.expect_request("/private/secret.pdf").respond_with_data(A_PDF)
    summary = import_wxr(archive(old_site, "report.pdf"), *fetch_args(old_site))
    assert [request.path for request, _ in old_site.log] == [UPLOADS + "report.pdf"]
    assert "127.0.0.1 resolves to a non-public address" in summary
    assert not ImportedDocument.objects.exists()


def test_without_an_allowed_host_a_loopback_site_is_not_fetched(old_site, import_wxr):
    serve(old_site, "report.pdf", A_PDF, "application/pdf")
    summary = import_wxr(archive(old_site, "report.pdf"), "--fetch-media")
    assert old_site.log == []
    assert "resolves to a non-public address" in summary


def test_importing_again_fetches_only_what_is_still_missing(old_site, import_wxr):
    serve(old_site, "report.pdf", A_PDF, "application/pdf")
    old_site.expect_oneshot_request(UPLOADS + "minutes.pdf").respond_with_data("busy", status=503)
    text = archive(old_site, "report.pdf", "minutes.pdf")
    first = import_wxr(text, *fetch_args(old_site))
    assert "503" in first and ImportedDocument.objects.count() == 1
    assert f'href="{old_site.url_for(UPLOADS + "minutes.pdf")}"' in the_post().body_html
    serve(old_site, "minutes.pdf", A_PDF, "application/pdf")
    import_wxr(text, *fetch_args(old_site))
    assert ImportedDocument.objects.count() == 2
    assert old_site.url_for("/") not in the_post().body_html
    asked = [request.path for request, _ in old_site.log]
    assert asked.count(UPLOADS + "report.pdf") == 1 and asked.count(UPLOADS + "minutes.pdf") == 2
    import_wxr(text, *fetch_args(old_site))
    assert len(old_site.log) == 3


@pytest.mark.parametrize(
    ("address", "kept"),
    [
        ("https://old.example.org/up/../../etc/passwd.pdf", "passwd.pdf"),
        ("https://old.example.org/up/%2e%2e%2f%2e%2e%2fsecret.pdf", "secret.pdf"),
        ('https://old.example.org/up/<script>"x".pdf', "scriptx.pdf"),
        ("https://old.example.org/up/.pdf", "document.pdf"),
        ("https://old.example.org/up/r%C3%A9sum%C3%A9%20final.v2.pdf", "resume-final-v2.pdf"),
        ("https://old.example.org/up/" + "a" * 300 + ".pdf", "a" * 80 + ".pdf"),
    ],
)
def test_hostile_file_names_become_plain_names(address, kept):
    assert safe_name(address, "pdf") == kept


def test_the_block_editors_audio_becomes_a_link_named_by_its_caption(old_site, import_wxr):
    serve(old_site, "brass-band.mp3", AN_MP3, "audio/mpeg")
    block = (
        '<!-- wp:audio {"id":7} -->\n<figure class="wp-block-audio"><audio controls src="'
        f'{old_site.url_for(UPLOADS + "brass-band.mp3")}"></audio><figcaption class="wp-element-'
        'caption">The brass band at the opening</figcaption></figure>\n<!-- /wp:audio -->'
    )
    import_wxr(
        export(attachment(7, old_site.url_for(UPLOADS + "brass-band.mp3"), parent=1),
               post(1, content=f"<p>Listen:</p>\n\n{block}")),
        *fetch_args(old_site),
    )  # fmt: skip
    copy = ImportedDocument.objects.get()
    assert (
        f'<a href="/media/{copy.stored_file}" rel="noopener">The brass band at the opening</a>'
        in (the_post().body_html)
    )
