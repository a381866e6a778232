from masthead.publishing.models import Blog, Institution


def site(request):
    """The institution and its blogs, for the header and footer of every page."""
    return {
        "institution": Institution.current(),
        "nav_blogs": Blog.objects.only("name", "slug"),
    }
