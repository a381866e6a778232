"""Small WordPress exports written for these tests, in the shape WordPress writes them.

``export()`` returns the text of a whole WXR file; ``post()``, ``comment()``,
``attachment()`` and ``author()`` make its parts. Defaults describe one
ordinary published post so each test states only what it is about.
"""

from xml.sax.saxutils import escape


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def author(login, display_name="", first_name="", last_name="", email=""):
    return f"""
<wp:author>
  <wp:author_id>1</wp:author_id>
  <wp:author_login>{cdata(login)}</wp:author_login>
  <wp:author_email>{cdata(email or login + "@example.org")}</wp:author_email>
  <wp:author_display_name>{cdata(display_name)}</wp:author_display_name>
  <wp:author_first_name>{cdata(first_name)}</wp:author_first_name>
  <wp:author_last_name>{cdata(last_name)}</wp:author_last_name>
</wp:author>"""


def comment(
    id, content="A thoughtful reply.", *, approved="1", parent=0, type="comment",
    name="Rosa Delgado", email="rosa@example.org", ip="203.0.113.9",
    date_gmt="2021-03-05 10:00:00",
):  # fmt: skip
    return f"""
  <wp:comment>
    <wp:comment_id>{id}</wp:comment_id>
    <wp:comment_author>{cdata(name)}</wp:comment_author>
    <wp:comment_author_email>{cdata(email)}</wp:comment_author_email>
    <wp:comment_author_url></wp:comment_author_url>
    <wp:comment_author_IP>{cdata(ip)}</wp:comment_author_IP>
    <wp:comment_date>{date_gmt}</wp:comment_date>
    <wp:comment_date_gmt>{date_gmt}</wp:comment_date_gmt>
    <wp:comment_content>{cdata(content)}</wp:comment_content>
    <wp:comment_approved>{cdata(approved)}</wp:comment_approved>
    <wp:comment_type>{cdata(type)}</wp:comment_type>
    <wp:comment_parent>{parent}</wp:comment_parent>
    <wp:comment_user_id>0</wp:comment_user_id>
  </wp:comment>"""


def post(
    id, title="Why the Grid Needs Lines", *, content="<p>Transmission is the bottleneck.</p>",
    status="publish", type="post", slug=None, creator="ada", excerpt="", password="",
    date="2021-03-04 09:30:00", date_gmt="2021-03-04 09:30:00", categories=(), tags=(),
    comments=(), meta=None, link=None, guid=None, parent=0, attachment_url="",
    comment_status="open",
):  # fmt: skip
    slug = slug if slug is not None else title.lower().replace(" ", "-")
    link = link if link is not None else f"https://old.example.org/2021/03/04/{slug}/"
    guid = guid if guid is not None else f"https://old.example.org/?p={id}"
    terms = "".join(
        f'\n  <category domain="category" nicename="{escape(s)}">{cdata(n)}</category>'
        for s, n in categories
    ) + "".join(
        f'\n  <category domain="post_tag" nicename="{escape(s)}">{cdata(n)}</category>'
        for s, n in tags
    )
    metas = "".join(
        f"""
  <wp:postmeta><wp:meta_key>{cdata(k)}</wp:meta_key><wp:meta_value>{cdata(v)}</wp:meta_value></wp:postmeta>"""
        for k, v in (meta or {}).items()
    )
    url = (
        f"\n  <wp:attachment_url>{cdata(attachment_url)}</wp:attachment_url>"
        if attachment_url
        else ""
    )
    return f"""
<item>
  <title>{escape(title)}</title>
  <link>{escape(link)}</link>
  <pubDate>Thu, 04 Mar 2021 09:30:00 +0000</pubDate>
  <dc:creator>{cdata(creator)}</dc:creator>
  <guid isPermaLink="false">{escape(guid)}</guid>
  <description></description>
  <content:encoded>{cdata(content)}</content:encoded>
  <excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>
  <wp:post_id>{id}</wp:post_id>
  <wp:post_date>{cdata(date)}</wp:post_date>
  <wp:post_date_gmt>{cdata(date_gmt)}</wp:post_date_gmt>
  <wp:comment_status>{cdata(comment_status)}</wp:comment_status>
  <wp:ping_status>open</wp:ping_status>
  <wp:post_name>{cdata(slug)}</wp:post_name>
  <wp:status>{cdata(status)}</wp:status>
  <wp:post_parent>{parent}</wp:post_parent>
  <wp:menu_order>0</wp:menu_order>
  <wp:post_type>{cdata(type)}</wp:post_type>
  <wp:post_password>{cdata(password)}</wp:post_password>
  <wp:is_sticky>0</wp:is_sticky>{url}{terms}{metas}{"".join(comments)}
</item>"""


def attachment(id, url, *, alt="", caption="", title="A picture", parent=0, file=""):
    meta = {"_wp_attachment_image_alt": alt} if alt else {}
    if file:
        meta["_wp_attached_file"] = file
    return post(
        id, title, type="attachment", status="inherit", content="", excerpt=caption,
        attachment_url=url, guid=url, link=f"https://old.example.org/?attachment_id={id}",
        slug=f"attachment-{id}", meta=meta, parent=parent,
    )  # fmt: skip


DEFAULT_AUTHORS = (author("ada", "Ada Okafor", "Ada", "Okafor"),)


def export(*items, authors=DEFAULT_AUTHORS, version="1.2", scheme="https", title="Old Blog",
           extra_channel=""):  # fmt: skip
    namespace = f"{scheme}://wordpress.org/export/{version}/"
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<!-- generator="WordPress/6.4" created="2024-01-01 00:00" -->
<rss version="2.0"
  xmlns:excerpt="{namespace}excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="{namespace}">
<channel>
  <title>{escape(title)}</title>
  <link>https://old.example.org</link>
  <description>Notes on energy and cities</description>
  <language>en</language>
  <wp:wxr_version>{version}</wp:wxr_version>
  <wp:base_site_url>https://old.example.org</wp:base_site_url>
  <wp:base_blog_url>https://old.example.org</wp:base_blog_url>
  {"".join(authors)}{extra_channel}
  {"".join(items)}
</channel>
</rss>
"""
