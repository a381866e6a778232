from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

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
