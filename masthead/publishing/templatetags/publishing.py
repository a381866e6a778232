import functools

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from masthead import caching

register = template.Library()


@register.simple_tag
def byline(post, link=True):
    """Authors as a reader says them: “A”, “A and B”, “A, B and C”, each linked."""
    authors = post.byline
    if link:
        names = [format_html('<a href="{}">{}</a>', a.get_absolute_url(), a) for a in authors]
    else:
        names = [format_html("{}", a) for a in authors]
    if len(names) <= 1:
        return mark_safe("".join(names))  # noqa: S308 - parts escaped by format_html
    head = format_html_join(", ", "{}", ((name,) for name in names[:-1]))
    return format_html("{} and {}", head, names[-1])


# The formats every feed comes in: URL name suffix, media type, what a reader calls it.
FEED_FORMATS = (
    ("", "application/atom+xml", "Atom"),
    ("_rss", "application/rss+xml", "RSS"),
    ("_json", "application/feed+json", "JSON Feed"),
)


def feed_urls(url_name, args):
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _feed_urls(url_name, tuple(args), urlconf, get_script_prefix())


@functools.lru_cache(maxsize=4096)
def _feed_urls(url_name, args, urlconf, script_prefix):
    # Kept per process: every page's head links its feeds, and an address depends only
    # on these (the URL patterns do not change while a process runs).
    return [
        (reverse(url_name + suffix, args=args, urlconf=urlconf), kind, label)
        for suffix, kind, label in FEED_FORMATS
    ]


@register.simple_tag
def feed_links(url_name, *args, title=""):
    """``<link rel="alternate">`` for each format of a feed, so browsers and readers find them."""
    return format_html_join(
        "\n",
        '<link rel="alternate" type="{}" title="{} ({})" href="{}">',
        ((kind, title, label, url) for url, kind, label in feed_urls(url_name, args)),
    )


@register.simple_tag
def feed_anchors(url_name, *args):
    """The same feeds as visible links: “Atom · RSS · JSON Feed”."""
    return format_html_join(
        " · ",
        '<a href="{}" type="{}">{}</a>',
        ((url, kind, label) for url, kind, label in feed_urls(url_name, args)),
    )


class CachedFragmentNode(template.Node):
    def __init__(self, name: str, nodelist):
        self.name = name
        self.nodelist = nodelist

    def render(self, context):
        key = context.get("fragment_key")
        if not key:  # a preview, a PDF, a page whose view keys no fragments: always fresh
            return self.nodelist.render(context)
        full_key = f"publishing:fragment:{self.name}:{key}"
        html = caching.get(full_key)
        if html is None:
            html = self.nodelist.render(context)
            # A view whose fragment changes by the clock too (a list a scheduled post
            # joins) gives its lifetime; 0 means "do not keep it".
            lifetime = context.get("fragment_seconds")
            seconds = lifetime() if callable(lifetime) else settings.MASTHEAD_FRAGMENT_CACHE_SECONDS
            if seconds:
                caching.set(full_key, html, seconds)
        return html


@register.tag
def cached_fragment(parser, token):
    """``{% cached_fragment "name" %}…{% endcached_fragment %}``: once per ``fragment_key``.

    The view sets ``fragment_key`` (the content version and whatever else the
    fragment depends on, such as the post and the host asked for); without one
    the fragment is rendered afresh every time.
    """
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("cached_fragment takes one quoted name")
    nodelist = parser.parse(("endcached_fragment",))
    parser.delete_first_token()
    return CachedFragmentNode(bits[1][1:-1], nodelist)


@register.simple_tag(takes_context=True)
def sections(context, place):
    """What the installed apps contribute at ``place`` (``publishing.sections``), in order."""
    from masthead.publishing.sections import templates_at

    engine = context.template.engine
    return mark_safe(  # noqa: S308 - each part is a template rendered with autoescaping
        "".join(engine.get_template(name).render(context) for name in templates_at(place))
    )
