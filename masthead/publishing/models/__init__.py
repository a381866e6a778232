"""Publishing's models, by room: posts (``posts``), the desk's records (``desk``) and
pictures in post bodies (``media``). Every model is importable from here as before."""

from masthead.publishing.models.desk import (  # noqa: F401
    PostAutosave,
    PostTransition,
    PreviewLink,
)
from masthead.publishing.models.media import (  # noqa: F401
    BodyImage,
    body_image_folder,
    delete_body_image_files,
)
from masthead.publishing.models.posts import (  # noqa: F401
    RESERVED_BLOG_SLUGS,
    RESERVED_POST_SLUGS,
    Author,
    Blog,
    ContentVersion,
    Correction,
    Institution,
    Post,
    PostAuthor,
    PostQuerySet,
    PostVersion,
    Topic,
    byline_prefetch,
    validate_blog_slug,
    validate_post_slug,
)
