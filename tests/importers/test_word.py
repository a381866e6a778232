"""Word documents in: ``masthead import_docx`` and the admin's upload make a draft, or refuse."""

import io
import re
import struct
import zipfile
import zlib

import pypandoc
import pytest
from django.core.management import CommandError, call_command
from docx import Document
from PIL import Image

from masthead.importers import word
from masthead.publishing.models import Post

pytestmark = pytest.mark.django_db

ARTICLE = """\
# Rates, Rents and the Next Budget

Councils rely on *property taxes* more than on **any other source**.[^1]

## What changes

- revaluations every five years
- a relief for small shops

1. first, publish the values
2. then, consult

Read the [consultation](https://example.org/consultation) before it closes.

| Band | Rate |
|------|------|
| A    | 1.0  |
| B    | 1.2  |

![A bar chart of council income by source](chart.png)

[^1]: Figures from the council's published accounts.
"""


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def article_docx(tmp_path):
    """A Word document with every feature, made by pandoc from Markdown (as Word would save it)."""
    Image.new("RGB", (120, 60), "#2a6f97").save(tmp_path / "chart.png")
    path = tmp_path / "rates.docx"
    pypandoc.convert_text(
        ARTICLE, "docx", format="markdown", outputfile=str(path),
        extra_args=["--resource-path", str(tmp_path)],
    )  # fmt: skip
    return path


def run_import(path, *args):
    out = io.StringIO()
    call_command("import_docx", str(path), *args, stdout=out)
    return out.getvalue()


def rewrite(path, target, replace):
    """A copy of the .docx at ``target`` with one member's bytes changed by ``replace``."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as copy:
        for item in source.infolist():
            data = source.read(item.filename)
            copy.writestr(item, replace(item.filename, data))
    return target


def test_a_word_document_becomes_a_draft_and_the_command_prints_its_desk_address(
    article_docx, blog, ada, media_root, settings
):
    settings.MASTHEAD_SITE_URL = "https://commentary.example.org"
    output = run_import(article_docx, "--blog", "energy", "--author", "ada-okafor")
    post = Post.objects.with_byline().get()
    assert post.status == Post.Status.DRAFT and post.blog == blog
    assert post.title == "Rates, Rents and the Next Budget"
    assert post.byline == [ada]
    assert output.splitlines()[-1] == f"https://commentary.example.org/desk/{post.pk}/"
    assert "1 picture(s)" in output


def test_the_same_file_again_is_named_and_imported_only_when_told_how(
    article_docx, blog, ada, media_root
):
    run_import(article_docx, "--blog", "energy")
    first = Post.objects.get()
    with pytest.raises(
        CommandError, match=f"imported before.*as “{first.title}”.*/desk/{first.pk}/"
    ):
        run_import(article_docx, "--blog", "energy")
    assert Post.objects.count() == 1
    first.body = "Edited since the import."
    first.save()
    output = run_import(article_docx, "--blog", "energy", "--replace")
    first.refresh_from_db()
    assert Post.objects.count() == 1 and "What changes" in first.body
    assert "replaced the text of" in output
    run_import(article_docx, "--blog", "energy", "--new")
    assert Post.objects.count() == 2


def test_the_converted_post_keeps_headings_emphasis_lists_links_tables_footnotes_and_pictures(
    article_docx, blog, ada, media_root, client
):
    run_import(article_docx, "--blog", "energy", "--author", "ada-okafor")
    post = Post.objects.get()
    post.publish()
    html = client.get(post.get_absolute_url()).content.decode()
    assert "<h2>What changes</h2>" in html
    assert "<em>property taxes</em>" in html and "<strong>any other source</strong>" in html
    assert "<li>revaluations every five years</li>" in html
    assert re.search(r"<ol>\s*<li>first, publish the values</li>", html)
    assert '<a href="https://example.org/consultation"' in html
    assert re.search(r"<td>B</td>\s*<td>1.2</td>", html)
    assert 'id="fn-1"' in html and "Figures from the council" in html
    # The picture is one of the post's body images: cleaned and kept like an editor's upload.
    picture = post.body_images.get()
    assert picture.alt == "A bar chart of council income by source"
    image = re.search(r'<figure class="body-image">\s*<img [^>]*>', html)[0]
    assert f'src="{picture.image.url}"' in image
    assert 'alt="A bar chart of council income by source"' in image
    assert client.get(picture.image.url).status_code == 200
    assert Image.open(media_root / picture.image.name).size == (120, 60)


def test_a_file_that_is_not_a_zip_is_refused_and_creates_nothing(tmp_path, blog, media_root):
    path = tmp_path / "notes.docx"
    path.write_text("Just some text saved with the wrong name.")
    with pytest.raises(CommandError, match="not a Word document .* not even a zip file"):
        run_import(path, "--blog", "energy")
    assert not Post.objects.exists()


def test_a_truncated_document_is_refused(article_docx, tmp_path, blog, media_root):
    damaged = tmp_path / "damaged.docx"
    damaged.write_bytes(article_docx.read_bytes()[: article_docx.stat().st_size // 2])
    with pytest.raises(CommandError, match="Nothing was imported"):
        run_import(damaged, "--blog", "energy")
    assert not Post.objects.exists()


def test_a_zip_bomb_is_refused_before_pandoc_reads_it(tmp_path, blog, media_root):
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<" + b"\0" * (8 * 1024 * 1024))
    with pytest.raises(CommandError, match="looks like a zip bomb"):
        run_import(bomb, "--blog", "energy")
    assert not Post.objects.exists()


def test_a_document_too_large_once_unpacked_is_refused(article_docx, blog, media_root, monkeypatch):
    monkeypatch.setattr(word, "MAX_UNCOMPRESSED_BYTES", 1000)
    with pytest.raises(CommandError, match="would unpack to .* zip bomb"):
        run_import(article_docx, "--blog", "energy")
    assert not Post.objects.exists()


def test_a_macro_enabled_document_is_refused(article_docx, tmp_path, blog, media_root):
    docm = tmp_path / "rates.docm"
    docm.write_bytes(article_docx.read_bytes())
    with pytest.raises(CommandError, match="macro-enabled"):
        run_import(docm, "--blog", "energy")
    disguised = rewrite(
        article_docx,
        tmp_path / "disguised.docx",
        lambda name, data: (
            data.replace(
                b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                b"application/vnd.ms-word.document.macroEnabled.main+xml",
            )
            if name == "[Content_Types].xml"
            else data
        ),
    )
    with pytest.raises(CommandError, match="macro-enabled"):
        run_import(disguised, "--blog", "energy")
    assert not Post.objects.exists()


@pytest.mark.parametrize("mode", ["External", "external", "EXTERNAL"])
def test_a_document_showing_an_image_from_outside_is_refused(tmp_path, blog, media_root, mode):
    document = Document()
    document.add_paragraph("A picture from elsewhere follows.")
    path = tmp_path / "linked.docx"
    document.save(path)
    external = (
        b'<Relationship Id="rIdX" TargetMode="%s" '
        b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
        b'Target="http://198.51.100.7/tracker.png"/></Relationships>' % mode.encode()
    )
    linked = rewrite(
        path,
        tmp_path / "linked-outside.docx",
        lambda name, data: (
            data.replace(b"</Relationships>", external)
            if name == "word/_rels/document.xml.rels"
            else data
        ),
    )
    with pytest.raises(CommandError, match=r"image from outside the document \(http://198"):
        run_import(linked, "--blog", "energy")
    assert not Post.objects.exists()


def test_an_unknown_blog_is_named_with_the_blogs_there_are(article_docx, blog):
    with pytest.raises(CommandError, match="There is no blog “nope” \\(blogs: energy\\)"):
        run_import(article_docx, "--blog", "nope")


# --- the same from the admin ------------------------------------------------------


def test_an_editor_follows_the_admins_import_link_to_the_desk_and_lands_on_the_new_draft(
    editor_client, article_docx, blog, ada, media_root
):
    assert "Import a Word document" in editor_client.get("/admin/publishing/post/").content.decode()
    # The admin's address sends people to the desk's page: one flow for both.
    moved = editor_client.get("/admin/publishing/post/import-word/?post=7")
    assert moved.status_code == 302 and moved["Location"] == "/desk/import/?post=7"
    with article_docx.open("rb") as upload:
        response = editor_client.post(
            "/desk/import/",
            {"document": upload, "blog": blog.pk, "author": ada.pk},
            follow=True,
        )
    post = Post.objects.get()
    assert response.redirect_chain[-1][0] == f"/desk/{post.pk}/"
    assert "Imported “Rates, Rents and the Next Budget” with 1 picture(s)." in (
        response.content.decode()
    )
    assert "| Band | Rate |" in post.body


def test_nobody_outside_the_desk_is_sent_on_from_the_admins_import_address(client, db):
    from django.contrib.auth import get_user_model

    client.force_login(
        get_user_model().objects.create_user("staff", "s@example.org", "pw", is_staff=True)
    )
    assert client.get("/admin/publishing/post/import-word/").status_code == 403


def test_a_word_upload_replaces_the_body_of_an_existing_draft(
    editor_client, article_docx, draft_post, media_root
):
    with article_docx.open("rb") as upload:
        editor_client.post(
            "/desk/import/",
            {"document": upload, "blog": draft_post.blog_id, "draft": draft_post.pk},
        )
    draft_post.refresh_from_db()
    assert "Councils rely on *property taxes*" in draft_post.body
    assert Post.objects.count() == 1


def test_a_macro_enabled_upload_is_refused_on_the_form_and_creates_nothing(
    editor_client, article_docx, tmp_path, blog, media_root
):
    docm = tmp_path / "budget.docm"
    docm.write_bytes(article_docx.read_bytes())
    with docm.open("rb") as upload:
        response = editor_client.post("/desk/import/", {"document": upload, "blog": blog.pk})
    assert response.status_code == 200
    assert "Nothing was imported: budget.docm is a macro-enabled Word file" in (
        response.content.decode()
    )
    assert not Post.objects.exists()
    assert not list(media_root.rglob("*.png"))


def lying_docx(tmp_path, document_xml_chunks, declared_size=30_000):
    """A real Word document whose word/document.xml is replaced by ``document_xml_chunks``
    (compressed as they come, never held whole), with both zip headers then patched to
    declare ``declared_size`` bytes and the checksum of that many: the file lies about its
    size in a way Python's own unzip would not notice."""
    honest = tmp_path / "honest.docx"
    plain = Document()
    plain.add_paragraph("Councils rely on property taxes.")
    plain.save(honest)
    lying = tmp_path / "lying.docx"
    first_bytes = b""
    with zipfile.ZipFile(honest) as source, zipfile.ZipFile(lying, "w") as copy:
        for item in source.infolist():
            if item.filename != "word/document.xml":
                copy.writestr(item, source.read(item.filename), zipfile.ZIP_DEFLATED)
                continue
            packed = zipfile.ZipInfo(item.filename)
            packed.compress_type = zipfile.ZIP_DEFLATED
            with copy.open(packed, "w", force_zip64=False) as member:
                for chunk in document_xml_chunks:
                    if len(first_bytes) < declared_size:
                        first_bytes += chunk[: declared_size - len(first_bytes)]
                    member.write(chunk)
    data = bytearray(lying.read_bytes())
    with zipfile.ZipFile(lying) as archive:
        target = archive.getinfo("word/document.xml")
    lie = struct.pack("<II", zlib.crc32(first_bytes), 0)[:4]
    size = struct.pack("<I", declared_size)
    # Local header: CRC at +14, uncompressed size at +22.
    data[target.header_offset + 14 : target.header_offset + 18] = lie
    data[target.header_offset + 22 : target.header_offset + 26] = size
    # Central directory entry: CRC at +16, uncompressed size at +24.
    entry = data.rfind(b"PK\x01\x02", 0, data.rfind(b"word/document.xml"))
    data[entry + 16 : entry + 20] = lie
    data[entry + 24 : entry + 28] = size
    lying.write_bytes(bytes(data))
    with zipfile.ZipFile(lying) as archive:  # the lie is what the headers now say
        assert archive.getinfo("word/document.xml").file_size == declared_size
    return lying


def bomb_chunks(megabytes):
    yield b'<?xml version="1.0"?><w:document xmlns:w="urn:x"><w:body>'
    for _ in range(megabytes):
        yield b" " * 2**20


def test_a_zip_bomb_that_declares_a_small_size_is_measured_and_refused_before_pandoc(
    tmp_path, blog, media_root
):
    # 64 MB of document squeezed into some 64 KB, its headers claiming 30,000 bytes.
    lying = lying_docx(tmp_path, bomb_chunks(64))
    assert lying.stat().st_size < 200_000
    with pytest.raises(CommandError, match="looks like a zip bomb, so it was refused") as refusal:
        run_import(lying, "--blog", "energy")
    assert "\n" not in str(refusal.value)
    assert not Post.objects.exists()
    assert not media_root.exists() or not any(media_root.rglob("*"))


def test_a_document_whose_header_understates_its_text_is_refused_as_misstating_its_size(
    tmp_path, blog, media_root
):
    text = b'<?xml version="1.0"?><w:document xmlns:w="urn:x"><w:body>'
    text += b"".join(b"<w:p>Paragraph %d of an ordinary report.</w:p>" % n for n in range(4000))
    lying = lying_docx(tmp_path, [text + b"</w:body></w:document>"])
    with pytest.raises(CommandError, match="its zip header says 30,000; a file that misstates"):
        run_import(lying, "--blog", "energy")
    assert not Post.objects.exists()


def test_pandoc_past_its_memory_limit_is_stopped_and_the_import_says_so(
    article_docx, blog, media_root, settings
):
    settings.MASTHEAD_PANDOC_MEMORY_MB = 100
    with pytest.raises(CommandError, match="needed more than 100 MB of memory") as refusal:
        run_import(article_docx, "--blog", "energy")
    assert "\n" not in str(refusal.value)
    assert not Post.objects.exists()
    assert not media_root.exists() or not any(media_root.rglob("*"))


def test_pandoc_past_its_time_limit_is_stopped_and_the_import_says_so(
    article_docx, blog, media_root, monkeypatch
):
    monkeypatch.setattr(word, "PANDOC_SECONDS", 0.001)
    with pytest.raises(CommandError, match="took longer than 0.001 seconds"):
        run_import(article_docx, "--blog", "energy")
    assert not Post.objects.exists()


def test_a_word_drafts_pictures_are_cleaned_and_private_until_it_is_published(
    article_docx, blog, media_root, client
):
    run_import(article_docx, "--blog", "energy")
    post = Post.objects.get()
    picture = post.body_images.get()
    assert re.fullmatch(r"posts/body/\d{4}/[0-9a-f]{24}/full\.(png|jpg)", picture.image.name)
    assert client.get(picture.image.url).status_code == 404
    post.publish()
    assert client.get(picture.image.url).status_code == 200
