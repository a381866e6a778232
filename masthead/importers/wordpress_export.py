"""The site as a WordPress export (WXR 1.2), for WordPress's importer or for ours.

How Masthead's shape maps onto WordPress's:

- each post's blog is its first *category* (nicename = the blog's slug, description =
  its tagline), so ``import_wxr --blog-from-category`` puts every post back in its blog;
- topics are *tags*;
- the byline's first author is ``dc:creator``; co-authors follow in the post meta field
  ``_masthead_coauthors`` (their logins, comma-separated), which our importer reads;
- the body is its rendered HTML, which WordPress shows as it is;
- the featured image is an attachment by its absolute URL (``_thumbnail_id``), with
  ``_wp_attached_file`` naming the file in media storage, so ``--media-dir`` pointing at
  a copy of that storage brings the file along;
- approved and pending comments, with their status and threads; rejected and spam
  comments stay behind, and commenters' IP addresses are not known (only a hash is kept).
"""

import datetime
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from masthead.discussion.models import Comment
from masthead.importers.wordpress_pages import write_pages
from masthead.publishing.models import Author, Blog, Institution, Post, PostAuthor, Topic

WP = "http://wordpress.org/export/1.2/"
COAUTHORS_META = "_masthead_coauthors"
# Author fields WordPress has no element for; WordPress's importer ignores this namespace.
MASTHEAD = "urn:masthead:export:1"
# Attachments need post ids of their own that cannot collide with a post's.
ATTACHMENT_ID_OFFSET = 1_000_000_000

STATUS_TO_WORDPRESS = {
    Post.Status.PUBLISHED: "publish",
    Post.Status.SCHEDULED: "future",
    Post.Status.DRAFT: "draft",
    # WordPress's "pending" is its own review step.
    Post.Status.IN_REVIEW: "pending",
    Post.Status.APPROVED: "pending",
}
COMMENT_STATUS_TO_WORDPRESS = {Comment.Status.APPROVED: "1", Comment.Status.PENDING: "0"}


def _cdata(text: str) -> str:
    return "<![CDATA[" + (text or "").replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _dates(moment: datetime.datetime | None) -> tuple[str, str]:
    if moment is None:
        return "0000-00-00 00:00:00", "0000-00-00 00:00:00"
    local = timezone.localtime(moment)
    utc = moment.astimezone(datetime.UTC)
    return local.strftime("%Y-%m-%d %H:%M:%S"), utc.strftime("%Y-%m-%d %H:%M:%S")


def _meta(key: str, value: str) -> str:
    return (
        f"<wp:postmeta><wp:meta_key>{_cdata(key)}</wp:meta_key>"
        f"<wp:meta_value>{_cdata(value)}</wp:meta_value></wp:postmeta>"
    )


def write_wxr(out, site_url: str | None = None) -> dict[str, int]:
    """Write the whole site to the text stream ``out``; returns what was written, counted."""
    site = (site_url or settings.MASTHEAD_SITE_URL).rstrip("/")
    institution = Institution.current()
    counts = {"authors": 0, "blogs": 0, "topics": 0, "posts": 0, "comments": 0, "images": 0}
    out.write(
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        "<!-- A WordPress eXtended RSS file written by Masthead's export_wxr. -->\n"
        f'<rss version="2.0" xmlns:excerpt="{WP}excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        f'xmlns:wp="{WP}" xmlns:masthead="{MASTHEAD}">\n<channel>\n'
        f"<title>{escape(institution.name)}</title>\n<link>{escape(site)}</link>\n"
        f"<description>{escape(institution.tagline)}</description>\n"
        "<language>en</language>\n<wp:wxr_version>1.2</wp:wxr_version>\n"
        f"<wp:base_site_url>{escape(site)}</wp:base_site_url>\n"
        f"<wp:base_blog_url>{escape(site)}</wp:base_blog_url>\n"
    )
    for author in Author.objects.order_by("pk").iterator():
        counts["authors"] += 1
        out.write(
            f"<wp:author><wp:author_id>{author.pk}</wp:author_id>"
            f"<wp:author_login>{_cdata(author.slug)}</wp:author_login>"
            "<wp:author_email></wp:author_email>"
            f"<wp:author_display_name>{_cdata(author.display_name)}</wp:author_display_name>"
            f"<wp:author_first_name>{_cdata(author.given_name)}</wp:author_first_name>"
            f"<wp:author_last_name>{_cdata(author.family_name)}</wp:author_last_name>"
            f"<masthead:role>{_cdata(author.role)}</masthead:role>"
            f"<masthead:bio>{_cdata(author.bio)}</masthead:bio>"
            f"<masthead:institutional>{int(author.is_institutional)}</masthead:institutional>"
            "</wp:author>\n"
        )
    for blog in Blog.objects.order_by("pk").iterator():
        counts["blogs"] += 1
        out.write(
            f"<wp:category><wp:term_id>{blog.pk}</wp:term_id>"
            f"<wp:category_nicename>{_cdata(blog.slug)}</wp:category_nicename>"
            "<wp:category_parent></wp:category_parent>"
            f"<wp:cat_name>{_cdata(blog.name)}</wp:cat_name>"
            f"<wp:category_description>{_cdata(blog.tagline)}</wp:category_description>"
            "</wp:category>\n"
        )
    for topic in Topic.objects.order_by("pk").iterator():
        counts["topics"] += 1
        out.write(
            f"<wp:tag><wp:term_id>{topic.pk}</wp:term_id>"
            f"<wp:tag_slug>{_cdata(topic.slug)}</wp:tag_slug>"
            f"<wp:tag_nicename>{_cdata(topic.slug)}</wp:tag_nicename>"
            f"<wp:tag_name>{_cdata(topic.name)}</wp:tag_name>"
            f"<wp:tag_description>{_cdata(topic.description)}</wp:tag_description></wp:tag>\n"
        )
    posts = (
        Post.objects.select_related("blog")
        .prefetch_related(
            Prefetch("bylines", queryset=PostAuthor.objects.select_related("author")),
            "topics",
            Prefetch(
                "comments",
                queryset=Comment.objects.filter(
                    status__in=list(COMMENT_STATUS_TO_WORDPRESS), erased_at__isnull=True
                ).order_by("pk"),
            ),
        )
        .order_by("pk")
    )
    for post in posts.iterator(chunk_size=200):
        counts["posts"] += 1
        _write_post(out, post, site, counts)
    counts.update(write_pages(out, site, _dates))
    out.write("</channel>\n</rss>\n")
    return counts


def _write_post(out, post: Post, site: str, counts: dict[str, int]) -> None:
    local, utc = _dates(post.publish_at)
    authors = [link.author for link in post.bylines.all()]
    metas = []
    if post.correction_note:
        metas.append(_meta("_masthead_correction_note", post.correction_note))
    if post.updated_at:
        metas.append(_meta("_masthead_updated_at_gmt", _dates(post.updated_at)[1]))
    if post.image_credit:
        metas.append(_meta("_masthead_image_credit", post.image_credit))
    if len(authors) > 1:
        metas.append(_meta(COAUTHORS_META, ",".join(a.slug for a in authors[1:])))
    if post.featured_image:
        attachment_id = ATTACHMENT_ID_OFFSET + post.pk
        url = post.featured_image.url
        url = url if url.startswith("http") else site + url
        counts["images"] += 1
        metas.append(_meta("_thumbnail_id", str(attachment_id)))
        out.write(
            f"<item><title>{escape(post.image_alt or post.title)}</title>"
            f"<link>{escape(url)}</link>"
            f'<guid isPermaLink="false">{escape(url)}</guid>'
            f"<content:encoded>{_cdata('')}</content:encoded>"
            f"<excerpt:encoded>{_cdata(post.image_caption)}</excerpt:encoded>"
            f"<wp:post_id>{attachment_id}</wp:post_id>"
            f"<wp:post_date>{local}</wp:post_date><wp:post_date_gmt>{utc}</wp:post_date_gmt>"
            f"<wp:status>inherit</wp:status><wp:post_parent>{post.pk}</wp:post_parent>"
            "<wp:post_type>attachment</wp:post_type>"
            f"<wp:attachment_url>{escape(url)}</wp:attachment_url>"
            f"{_meta('_wp_attached_file', post.featured_image.name)}"
            f"{_meta('_wp_attachment_image_alt', post.image_alt)}</item>\n"
        )
    terms = [
        f'<category domain="category" nicename={quoteattr(post.blog.slug)}>'
        f"{_cdata(post.blog.name)}</category>"
    ] + [
        f'<category domain="post_tag" nicename={quoteattr(topic.slug)}>'
        f"{_cdata(topic.name)}</category>"
        for topic in post.topics.all()
    ]
    out.write(
        f"<item><title>{escape(post.title)}</title>"
        f"<link>{escape(site + post.get_absolute_url())}</link>"
        f"<dc:creator>{_cdata(authors[0].slug if authors else '')}</dc:creator>"
        f'<guid isPermaLink="false">{escape(site)}/?p={post.pk}</guid>'
        f"<description></description>"
        f"<content:encoded>{_cdata(post.body_html)}</content:encoded>"
        f"<excerpt:encoded>{_cdata(post.summary)}</excerpt:encoded>"
        f"<wp:post_id>{post.pk}</wp:post_id>"
        f"<wp:post_date>{local}</wp:post_date><wp:post_date_gmt>{utc}</wp:post_date_gmt>"
        f"<wp:comment_status>{'open' if post.comments_open else 'closed'}</wp:comment_status>"
        "<wp:ping_status>closed</wp:ping_status>"
        f"<wp:post_name>{_cdata(post.slug)}</wp:post_name>"
        f"<wp:status>{STATUS_TO_WORDPRESS[post.status]}</wp:status>"
        "<wp:post_parent>0</wp:post_parent><wp:menu_order>0</wp:menu_order>"
        "<wp:post_type>post</wp:post_type><wp:post_password></wp:post_password>"
        "<wp:is_sticky>0</wp:is_sticky>" + "".join(terms) + "".join(metas)
    )
    exported = {comment.pk for comment in post.comments.all()}
    for comment in post.comments.all():
        counts["comments"] += 1
        # WordPress threads by the comment answered; ours keeps the thread's first
        # comment as parent and the one answered as in_reply_to, which the importer
        # folds back. An answered comment left out of the export (held back, erased)
        # leaves the reply under its thread's first comment.
        answered = comment.in_reply_to_id if comment.in_reply_to_id in exported else None
        local_c, utc_c = _dates(comment.created_at)
        out.write(
            f"<wp:comment><wp:comment_id>{comment.pk}</wp:comment_id>"
            f"<wp:comment_author>{_cdata(comment.author_name)}</wp:comment_author>"
            f"<wp:comment_author_email>{_cdata(comment.email)}</wp:comment_author_email>"
            "<wp:comment_author_url></wp:comment_author_url>"
            "<wp:comment_author_IP></wp:comment_author_IP>"
            f"<wp:comment_date>{local_c}</wp:comment_date>"
            f"<wp:comment_date_gmt>{utc_c}</wp:comment_date_gmt>"
            f"<wp:comment_content>{_cdata(comment.body)}</wp:comment_content>"
            f"<wp:comment_approved>{COMMENT_STATUS_TO_WORDPRESS[comment.status]}"
            "</wp:comment_approved><wp:comment_type>comment</wp:comment_type>"
            f"<wp:comment_parent>{answered or comment.parent_id or 0}</wp:comment_parent>"
            "<wp:comment_user_id>0</wp:comment_user_id></wp:comment>"
        )
    out.write("</item>\n")
