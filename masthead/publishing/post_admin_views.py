"""The post form's own pages beside Django's: saved versions (list, compare, restore),
pictures uploaded from the editor, and the autosave of what is being typed.

Each one finds the post through the admin's queryset (a writer's own posts only) and
asks the one object-level rule in ``permissions.py``; none trusts a historical row,
a URL or a form to say who may do what.
"""

import datetime
import re

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from masthead.publishing.models import BodyImage, PostAutosave
from masthead.publishing.permissions import may_change_post, may_read_post, may_restore_version
from masthead.publishing.versions import compare

# Someone whose form has sent nothing for this long has left the post.
EDITING_NOW_SECONDS = 90
WORDS_PER_MINUTE = 230
WORD = re.compile(r"\w+(?:['’-]\w+)*")
# A picture's reference is no words a reader reads.
IMAGE_MARKDOWN = re.compile(r"!\[[^\]]*\]\(\s*<?image:\d+>?\s*\)")
# What a restored version brings back: the words and the fields around them. Status and
# publish time move only by the desk's transitions; the record of corrections (when a
# published text was substantively updated, and the note) stays as it is now; the
# pictures and topics are the post's own, changed in its form.
RESTORED = (
    "blog", "title", "slug", "summary", "body", "comments_open",
    "image_alt", "image_caption", "image_credit",
)  # fmt: skip


def readable_post(model_admin, request, object_id):
    """The live post, if ``request.user`` may read it; 404 otherwise (no hint it exists)."""
    post = model_admin.get_object(request, unquote(object_id))
    if post is None or not may_read_post(request.user, post):
        raise Http404("There is no such post, or it is not yours to read.")
    return post


def history(model_admin, request, object_id):
    """Every saved version of one post, newest first, with who saved it and when."""
    post = readable_post(model_admin, request, object_id)
    versions = post.history.select_related("history_user").order_by("-history_date")
    page = Paginator(versions, 100).get_page(request.GET.get("p"))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Saved versions of “{post}”",
        "opts": model_admin.opts,
        "original": post,
        "page": page,
        "may_restore": may_restore_version(request.user, post),
    }
    return render(request, "admin/publishing/post/history.html", context)


def version(model_admin, request, object_id, version_id):
    """One saved version, read-only; an editor restores its text and fields from here.

    The form is built over the live post with the version's values in it: what is not
    restored (status, publish time, corrections) keeps the live value whatever is sent.
    """
    post = readable_post(model_admin, request, object_id)
    record = post.history.filter(history_id=version_id).first() if version_id.isdigit() else None
    if record is None:
        raise Http404("This post has no such saved version.")
    may_restore = may_restore_version(request.user, post)
    if request.method == "POST" and not may_restore:
        raise PermissionDenied("Only an editor can restore a version of this post.")
    old = record.instance
    form_class = model_admin.get_form(request, post)
    restorable = [
        name for name in RESTORED if name in form_class.base_fields and hasattr(old, name)
    ]
    form_class = model_admin.get_form(request, post, fields=restorable)
    if request.method == "POST":
        form = form_class(request.POST, instance=post)
        if form.is_valid():
            restored_post = form.save(commit=False)
            restored_post._history_user = request.user
            restored_post._change_reason = (
                f"Restored the version of {timezone.localtime(record.history_date):%Y-%m-%d %H:%M}"
            )
            restored_post.save()
            form.save_m2m()
            model_admin.log_change(request, restored_post, "Restored an earlier version.")
            messages.success(request, f"“{restored_post}”: the chosen version's text is back.")
            return HttpResponseRedirect(
                reverse("admin:publishing_post_change", args=[restored_post.pk])
            )
    else:
        initial = {name: getattr(old, post._meta.get_field(name).attname) for name in restorable}
        form = form_class(instance=post, initial=initial)
    admin_form = None
    if may_restore:
        fieldsets = [(None, {"fields": list(form.base_fields)})]
        admin_form = helpers.AdminForm(form, fieldsets, {}, [], model_admin=model_admin)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Version of {timezone.localtime(record.history_date):%Y-%m-%d %H:%M} of “{post}”",
        "opts": model_admin.opts,
        "original": post,
        "record": record,
        "adminform": admin_form,
        "errors": helpers.AdminErrorList(form, []),
        "media": model_admin.media + admin_form.media if admin_form else model_admin.media,
        "may_restore": may_restore,
    }
    return render(request, "admin/publishing/post/version.html", context)


def compare_versions(model_admin, request, object_id):
    """Any two saved versions of a post, as a readable diff; the newest two by default."""
    post = readable_post(model_admin, request, object_id)
    versions = list(post.history.select_related("history_user").order_by("-history_date"))
    by_id = {str(saved.history_id): saved for saved in versions}
    newer = by_id.get(request.GET.get("to", ""), versions[0] if versions else None)
    older = by_id.get(request.GET.get("from", ""), versions[1] if len(versions) > 1 else None)
    if older and newer and older.history_date > newer.history_date:
        older, newer = newer, older
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Compare versions of “{post}”",
        "opts": model_admin.opts,
        "post": post,
        "versions": versions,
        "older": older,
        "newer": newer,
        "changes": compare(older, newer) if older and newer else [],
    }
    return render(request, "admin/publishing/post/compare_versions.html", context)


def changeable_post_or_error(model_admin, request, object_id):
    post = model_admin.get_object(request, unquote(object_id))
    if post is None or not may_change_post(request.user, post):
        return None, JsonResponse({"error": "This post is not yours to change."}, status=403)
    return post, None


def upload_body_image(model_admin, request, object_id):
    """The editor's “Insert image”: store one picture for this post and answer with the
    Markdown that shows it, or with the reason it was refused (nothing is then stored)."""
    if request.method != "POST":
        return JsonResponse({"error": "Send the image with POST."}, status=405)
    post, refusal = changeable_post_or_error(model_admin, request, object_id)
    if refusal:
        return refusal
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"error": "Choose an image file to upload."}, status=400)
    try:
        picture = BodyImage.store(
            post,
            upload,
            alt=request.POST.get("alt", ""),
            caption=request.POST.get("caption", ""),
            credit=request.POST.get("credit", ""),
            by=request.user,
        )
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse({"id": picture.pk, "markdown": picture.markdown}, status=201)


def autosave(model_admin, request, object_id):
    """Keep what this person has typed (no version, no revision) and answer with the
    preview, the counts, who else is editing and whether the post was saved meanwhile."""
    if request.method != "POST":
        return JsonResponse({"error": "Send the form's text with POST."}, status=405)
    post, refusal = changeable_post_or_error(model_admin, request, object_id)
    if refusal:
        return refusal
    body = request.POST.get("body", "")
    try:
        base = int(request.POST.get("base_revision", post.revision))
    except ValueError:
        base = post.revision
    now = timezone.now()
    PostAutosave.objects.update_or_create(
        post=post,
        user=request.user,
        defaults={
            "title": request.POST.get("title", "")[:240],
            "summary": request.POST.get("summary", ""),
            "body": body,
            "base_revision": base,
            "saved_at": now,
        },
    )
    return JsonResponse(autosave_answer(post, request.user, body, base, now))


def autosave_answer(post, user, body: str, base: int, now) -> dict:
    """What the editor is told after its text is kept: the preview, the counts, who else
    is editing and whether someone saved a newer version meanwhile."""
    recent = now - datetime.timedelta(seconds=EDITING_NOW_SECONDS)
    others = post.autosaves.filter(saved_at__gte=recent).exclude(user=user).select_related("user")
    words = len(WORD.findall(IMAGE_MARKDOWN.sub(" ", body)))
    return {
        "saved_at": timezone.localtime(now).strftime("%H:%M:%S"),
        "preview_html": post.render_body(body),
        "words": words,
        "minutes": max(1, -(-words // WORDS_PER_MINUTE)) if words else 0,
        "others": sorted(str(saved.user) for saved in others),
        "saved_meanwhile": post.revision != base,
    }
