"""The desk's pages: home, the writing view, its preview, the workflow, history, Word import.

Every page that reads or writes a post finds it with ``readable_post`` or
``changeable_post``, which ask the one rule in ``publishing/permissions.py``; a post
someone may not read answers 404, as if it did not exist.
"""

import functools
import json
import uuid

from csp.decorators import csp_replace
from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Value, When
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST, require_safe

from masthead.desk import workflow
from masthead.desk.forms import SUMMARY_AIM, PostForm, SearchForm
from masthead.desk.models import NewPostKey
from masthead.discussion.models import Comment
from masthead.importers.word import WordDocumentError
from masthead.importers.word_upload import WordImportForm, import_upload
from masthead.publishing import post_admin_views
from masthead.publishing.automatic_summary import summary_from_body
from masthead.publishing.models import Author, Blog, Post, PostAutosave, Topic
from masthead.publishing.permissions import (
    may_change_post,
    may_edit_byline,
    may_read_post,
    may_restore_version,
    posts_readable_by,
)
from masthead.publishing.versions import compare
from masthead.publishing.views import render_preview

MODERATE = "discussion.moderate_comment"
LIST_LENGTH = 10
# A new post's title until the writer gives it one (its first autosave made the draft).
UNTITLED = "Untitled draft"


def desk_view(view):
    """Writers, editors and administrators come in; moderators go to their queue;
    anyone signed out signs in first."""

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not (user.is_active and user.has_perm("publishing.change_post")):
            if user.is_active and user.has_perm(MODERATE):
                return redirect("discussion:queue")
            raise PermissionDenied("The desk is for writers and editors.")
        return view(request, *args, **kwargs)

    return guarded


def readable_post(request, pk) -> Post:
    post = Post.objects.with_byline().select_related("blog").filter(pk=pk).first()
    if post is None or not may_read_post(request.user, post):
        raise Http404("There is no such post, or it is not yours to read.")
    return post


def changeable_post(request, pk) -> Post:
    post = readable_post(request, pk)
    if not may_change_post(request.user, post):
        raise PermissionDenied("This post is not yours to change now.")
    return post


def the_post_admin():
    return admin.site.get_model_admin(Post)


# --- home ----------------------------------------------------------------------------------
def returned_notes(posts):
    """For each draft that an editor sent back, the note of that return."""
    notes = {}
    for post in posts:
        last = post.transitions.first()
        if last and last.to_status == Post.Status.DRAFT and last.from_status != last.to_status:
            notes[post.pk] = last
    return notes


@require_safe
@desk_view
def home(request):
    user = request.user
    readable = posts_readable_by(user, Post.objects.all()).select_related("blog")
    mine = Post.objects.written_by(user).select_related("blog")
    drafts = list(mine.filter(status=Post.Status.DRAFT).order_by("-modified_at"))
    notes = returned_notes(drafts)
    returned = [(post, notes[post.pk]) for post in drafts if post.pk in notes]
    now = timezone.now()
    search = SearchForm(request.GET or None)
    results = None
    if search.is_bound and search.is_valid() and any(search.cleaned_data.values()):
        results = search.filter(readable).order_by("-modified_at")[:50]
    context = {
        "returned": returned,
        "drafts": [post for post in drafts if post.pk not in notes],
        "awaiting_review": (
            list(readable.filter(status=Post.Status.IN_REVIEW).order_by("modified_at"))
            if user.has_perm("publishing.review_post")
            else []
        ),
        "approved": (
            list(readable.filter(status=Post.Status.APPROVED).order_by("modified_at"))
            if user.has_perm("publishing.publish_post")
            else []
        ),
        "scheduled": list(
            readable.filter(status__in=Post.GOING_PUBLIC, publish_at__gt=now).order_by("publish_at")
        ),
        "published": list(readable.public().order_by("-publish_at")[:LIST_LENGTH]),
        "may_moderate": user.has_perm(MODERATE),
        "pending_comments": Comment.objects.pending().count() if user.has_perm(MODERATE) else 0,
        "search": search,
        "results": results,
    }
    return render(request, "desk/home.html", context)


# --- names suggested as the byline and topics are typed ----------------------------------
SUGGESTIONS = 10


@require_safe
@desk_view
def suggest_names(request):
    """Up to ten authors or topics whose names contain what is typed, those that begin
    with it first: the side panel asks as the writer types, instead of carrying every
    name in the page. Authors only for those who may set a byline (editors)."""
    kind = request.GET.get("kind", "")
    typed = " ".join(request.GET.get("q", "").split())[:100]
    if kind == "authors":
        if not may_edit_byline(request.user):
            return JsonResponse({"error": "Editors decide who is in the byline."}, status=403)
        found, field = Author.objects.all(), "display_name"
    elif kind == "topics":
        found, field = Topic.objects.all(), "name"
    else:
        return JsonResponse({"error": "Ask for authors or topics."}, status=400)
    if typed:
        found = found.filter(**{f"{field}__icontains": typed}).annotate(
            begins=Case(When(**{f"{field}__istartswith": typed}, then=0), default=1)
        )
    else:
        found = found.annotate(begins=Value(0))
    names = list(found.order_by("begins", field).values_list(field, flat=True)[:SUGGESTIONS])
    return JsonResponse({"names": names})


# --- writing view --------------------------------------------------------------------------
def writing_context(request, post, form):
    user = request.user
    mine = post.autosaves.filter(user=user).first() if post.pk else None
    unsaved = None
    if mine is not None and may_change_post(user, post):
        typed = (mine.title or post.title, mine.summary, mine.body)
        unsaved = mine if typed != (post.title, post.summary, post.body) else None
    transitions = list(post.transitions.select_related("by")[:20]) if post.pk else []
    return {
        "post": post,
        "form": form,
        "may_change": not post.pk or may_change_post(user, post),
        "steps": workflow.steps_for(user, post) if post.pk else [],
        "transitions": transitions,
        "unsaved": unsaved,
        "unsaved_text": unsaved
        and {
            "title": unsaved.title or post.title,
            "summary": unsaved.summary,
            "body": unsaved.body,
            "base_revision": unsaved.base_revision,
        },  # fmt: skip
        # The suggestion is what the post would get as its automatic summary (Post.save).
        "suggested_summary": summary_from_body(post.body_html),
        "summary_aim": SUMMARY_AIM,
        "site_url": request.build_absolute_uri("/").rstrip("/"),
        "blog_slugs": dict(Blog.objects.values_list("pk", "slug")),
    }


def the_new_key(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get("new_key", ""))
    except ValueError:
        return None


def post_made_by_key(request, key) -> Post | None:
    """The draft this new-post page already made, if it made one (only its maker's)."""
    if key is None:
        return None
    made = NewPostKey.objects.filter(key=key).select_related("post").first()
    if made is None:
        return None
    if made.user_id != request.user.pk:
        raise PermissionDenied("This page belongs to someone else's new post.")
    return made.post


def free_slug(blog: Blog, title: str) -> str:
    """A slug no other post of ``blog`` has: the title's, numbered if it is taken."""
    base = slugify(title)[:100] or "draft"
    taken = set(
        Post.objects.filter(blog=blog, slug__startswith=base).values_list("slug", flat=True)
    )
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def create_draft(request, key, make) -> Post:
    """Run ``make`` (which saves a new post) and remember the page's key with it, once.

    Two requests with the same key (a retry, a double click) race to here: the key is
    unique, so the second one's insert fails, its post is rolled back with it, and it
    answers with the draft the first one made.
    """
    try:
        with transaction.atomic():
            post = make()
            if key is not None:
                NewPostKey.objects.create(key=key, user=request.user, post=post)
            return post
    except IntegrityError:
        made = post_made_by_key(request, key)
        if made is None:
            raise
        return made


@desk_view
def new_post(request):
    if not request.user.has_perm("publishing.add_post"):
        raise PermissionDenied("Only writers and editors can start a post.")
    key = the_new_key(request) if request.method == "POST" else uuid.uuid4()
    made = post_made_by_key(request, key) if request.method == "POST" else None
    if made is not None:
        # This page's draft exists already (its first autosave, or a first "Save" sent
        # twice): the form saves that draft, never a second one.
        return write(request, made.pk)
    post = Post(status=Post.Status.DRAFT)
    form = PostForm(request.POST or None, request.FILES or None, instance=post, user=request.user)
    if request.method == "POST" and form.is_valid():

        def make():
            saved = form.save(commit=False)
            saved._history_user = request.user
            saved.save()
            form.save_relations(saved)
            return saved

        post = create_draft(request, key, make)
        messages.success(request, "The draft is saved.")
        return redirect("desk:write", post.pk)
    context = writing_context(request, post, form)
    context["new_key"] = key
    return render(request, "desk/write.html", context)


@require_POST
@desk_view
def new_autosave(request):
    """A new post's first keystrokes: the draft is made then (once per page), so its
    preview and pictures work at once; the answer says where the post now lives."""
    if not request.user.has_perm("publishing.add_post"):
        return JsonResponse({"error": "Only writers and editors can start a post."}, status=403)
    key = the_new_key(request)
    if key is None:
        return JsonResponse({"error": "This page has no key for a new post."}, status=400)
    blog = Blog.objects.filter(pk=request.POST.get("blog") or None).first()
    if blog is None:
        blog = Blog.objects.order_by("pk").first()
    if blog is None:
        return JsonResponse({"error": "There is no blog yet to write in."}, status=400)
    title = " ".join(request.POST.get("title", "").split())[
        : Post._meta.get_field("title").max_length
    ]
    summary = request.POST.get("summary", "")[:600]
    body = request.POST.get("body", "")

    def make():
        post = Post(
            status=Post.Status.DRAFT, blog=blog, title=title or UNTITLED,
            slug=free_slug(blog, title or UNTITLED), summary=summary, body=body,
        )  # fmt: skip
        post._history_user = request.user
        post.save()
        own = Author.objects.filter(user=request.user).first()
        if own is not None:
            post.bylines.create(author=own, position=0)
        return post

    post = post_made_by_key(request, key)
    if post is None:
        post = create_draft(request, key, make)
        answer = post_admin_views.autosave_answer(
            post, request.user, body, post.revision, timezone.now()
        )
    else:
        # A retried first request, or one sent before the page heard of its draft.
        if not may_change_post(request.user, post):
            return JsonResponse({"error": "This post is not yours to change now."}, status=403)
        return_value = post_admin_views.autosave(the_post_admin(), request, str(post.pk))
        answer = json.loads(return_value.content)
        if return_value.status_code != 200:
            return JsonResponse(answer, status=return_value.status_code)
    answer["post"] = {
        "id": post.pk,
        "revision": post.revision,
        "write_url": reverse("desk:write", args=[post.pk]),
        "autosave_url": reverse("desk:autosave", args=[post.pk]),
        "upload_url": reverse("desk:images", args=[post.pk]),
        "preview_url": reverse("desk:preview", args=[post.pk]),
        "history_url": reverse("desk:history", args=[post.pk]),
    }
    return JsonResponse(answer)


@desk_view
def write(request, pk):
    post = readable_post(request, pk)
    if request.method == "POST":
        if not may_change_post(request.user, post):
            raise PermissionDenied("This post is not yours to change now.")
        form = PostForm(request.POST, request.FILES, instance=post, user=request.user)
        if form.is_valid():
            with transaction.atomic():
                post = form.save(commit=False)
                post._history_user = request.user
                post.save()
                form.save_relations(post)
                PostAutosave.objects.filter(post=post, user=request.user).delete()
            messages.success(request, "Saved.")
            return redirect("desk:write", post.pk)
    else:
        form = PostForm(instance=post, user=request.user)
        if not may_change_post(request.user, post):
            for field in form.fields.values():
                field.disabled = True
    return render(request, "desk/write.html", writing_context(request, post, form))


@require_safe
@desk_view
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})
def preview(request, pk):
    """The post as stored, through the public template: the writing view shows it in a
    frame and puts in what its editor holds as they type. Unsaved text from an earlier
    visit is not shown here until the writer loads it into the editor, so the preview
    and the editor never disagree."""
    post = readable_post(request, pk)
    post = Post.objects.with_byline().prefetch_related("topics").get(pk=post.pk)
    return render_preview(request, post)


@desk_view
def autosave(request, pk):
    """The admin's autosave (with its own permission checks), from the writing view."""
    return post_admin_views.autosave(the_post_admin(), request, str(pk))


@require_POST
@desk_view
def discard_autosave(request, pk):
    """Drop this person's unsaved text of a post (the writing view's "Discard")."""
    post = changeable_post(request, pk)
    PostAutosave.objects.filter(post=post, user=request.user).delete()
    messages.success(request, "The unsaved text is discarded.")
    return redirect("desk:write", post.pk)


@desk_view
def upload_image(request, pk):
    """Pictures dropped or pasted into the body: the ``BodyImage`` pipeline, as in the admin."""
    return post_admin_views.upload_body_image(the_post_admin(), request, str(pk))


@require_POST
@desk_view
def take_step(request, pk):
    post = readable_post(request, pk)
    try:
        text = workflow.take(post, request.POST.get("action", ""), request.user,
                             request.POST.get("note", ""))  # fmt: skip
    except (PermissionDenied, ValidationError) as refusal:
        reason = " ".join(refusal.messages) if isinstance(refusal, ValidationError) else None
        messages.error(request, reason or str(refusal) or "You may not do that.")
    else:
        messages.success(request, text)
    return redirect("desk:write", post.pk)


# --- history ------------------------------------------------------------------------------
@require_safe
@desk_view
def history(request, pk):
    """The saved versions, any two compared as a diff (the newest two by default)."""
    post = readable_post(request, pk)
    versions = list(post.history.select_related("history_user").order_by("-history_date")[:200])
    by_id = {str(saved.history_id): saved for saved in versions}
    newer = by_id.get(request.GET.get("to", ""), versions[0] if versions else None)
    older = by_id.get(request.GET.get("from", ""), versions[1] if len(versions) > 1 else None)
    if older and newer and older.history_date > newer.history_date:
        older, newer = newer, older
    context = {
        "post": post,
        "versions": versions,
        "older": older,
        "newer": newer,
        "changes": compare(older, newer) if older and newer else [],
        "may_restore": may_restore_version(request.user, post),
        "transitions": post.transitions.select_related("by"),
    }
    return render(request, "desk/history.html", context)


@require_POST
@desk_view
def restore(request, pk, version_id):
    """An editor puts an earlier version's words back; status and publish time stay."""
    post = readable_post(request, pk)
    if not may_restore_version(request.user, post):
        raise PermissionDenied("Only an editor can restore a version of this post.")
    record = post.history.filter(history_id=version_id).first()
    if record is None:
        raise Http404("This post has no such saved version.")
    for name in post_admin_views.RESTORED:
        attname = post._meta.get_field(name).attname
        setattr(post, attname, getattr(record, attname))
    try:
        post.full_clean(exclude=["featured_image"])
    except ValidationError as refusal:
        messages.error(request, "Not restored: " + " ".join(refusal.messages))
        return redirect("desk:history", post.pk)
    post._history_user = request.user
    when = timezone.localtime(record.history_date)
    post._change_reason = f"Restored the version of {when:%Y-%m-%d %H:%M}"
    post.save()
    messages.success(request, f"The version of {when:%Y-%m-%d %H:%M} is back.")
    return redirect("desk:write", post.pk)


# --- Word files ---------------------------------------------------------------------------
@desk_view
def import_word(request):
    """A .docx becomes a draft (or replaces one's body); the same file twice is noticed,
    and the answer to "replace or new?" needs no second upload (``word_upload``)."""
    if not request.user.has_perm("publishing.add_post"):
        raise PermissionDenied("Only writers and editors can import documents.")
    initial = {"draft": request.GET.get("post")} if request.GET.get("post") else {}
    form = WordImportForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    outcome = None
    if request.method == "POST" and form.is_valid():
        try:
            outcome = import_upload(form, request.user, request.POST.get("again", ""))
        except WordDocumentError as error:
            form.add_error("document", f"Nothing was imported: {error}")
        else:
            if outcome.post is not None:
                messages.success(request, " ".join(outcome.notes))
                return redirect("desk:write", outcome.post.pk)
    return render(request, "desk/import.html", {"form": form, "outcome": outcome})
