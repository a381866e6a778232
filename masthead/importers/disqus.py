"""Importing a Disqus export: its threads attached to imported posts by address.

A Disqus XML export lists threads (one per page that had comments, with the
page's address) and then posts (the comments), each naming its thread and
parent. Like the WordPress import it reads the file twice through the same
hardened streaming parser: first to check it whole and learn the threads,
then to write the comments in one transaction, through the comment model's own
methods. A thread is matched to a post by its old WordPress permalink, by a
Masthead post address, or by the WordPress post id Disqus's WordPress plugin
puts in the thread identifier ("123 https://…/?p=123").

Status mapping, as for WordPress: spam → spam, deleted → rejected, not yet
approved (``isApproved`` false) → pending, everything else → approved.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils import timezone

from masthead.client_limits import hash_ip
from masthead.discussion.models import Comment
from masthead.discussion.text import clean_line, clean_text
from masthead.importers import wordpress_html
from masthead.importers.comments import settle_imported_comment
from masthead.importers.models import ImportedDisqusComment, ImportedPost
from masthead.importers.summary import Summary
from masthead.importers.wxr import WxrError, stream_events
from masthead.publishing.models import Post

DISQUS = "{http://disqus.com}"
INTERNALS = "{http://disqus.com/disqus-internals}"


class _DryRunDone(Exception):
    pass


@dataclass
class DisqusThread:
    link: str
    identifier: str


def _local(tag: str) -> str:
    return tag[len(DISQUS) :] if tag.startswith(DISQUS) else tag


def _child_text(element, name: str) -> str:
    child = element.find(DISQUS + name)
    return (child.text or "").strip() if child is not None else ""


def _reference(element, name: str) -> str:
    child = element.find(DISQUS + name)
    return child.get(INTERNALS + "id", "") if child is not None else ""


def _children(path: Path, progress=None):
    """Each complete child of <disqus>, dropped after use so memory stays flat."""
    depth = 0
    root = None
    for event, element in stream_events(path, progress):
        if event == "start":
            depth += 1
            if root is None:
                if element.tag != DISQUS + "disqus":
                    raise WxrError(
                        f"{path.name} is not a Disqus export (its root element is "
                        f"<{_local(element.tag)}>, not <disqus>)."
                    )
                root = element
            continue
        depth -= 1
        if depth == 1:
            yield element
            root.clear()
    if root is None:
        raise WxrError(f"{path.name} is empty.")


def _when(value: str) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


class DisqusImport:
    def __init__(self, path: Path, *, dry_run: bool = False, scan_progress=None):
        self.path = Path(path)
        self.dry_run = dry_run
        self.scan_progress = scan_progress
        self.summary = Summary()
        self.threads: dict[str, DisqusThread] = {}
        self._posts: dict[str, int | None] = {}

    def run(self) -> Summary:
        for element in _children(self.path, self.scan_progress):
            if element.tag == DISQUS + "thread":
                self.threads[element.get(INTERNALS + "id", "")] = DisqusThread(
                    link=_child_text(element, "link"), identifier=_child_text(element, "id")
                )
        try:
            with transaction.atomic():
                known = {
                    link.disqus_id: link.comment
                    for link in ImportedDisqusComment.objects.select_related("comment")
                }
                for element in _children(self.path):
                    if element.tag == DISQUS + "post":
                        self._import_comment(element, known)
                if self.dry_run:
                    raise _DryRunDone
        except _DryRunDone:
            pass
        return self.summary

    # --- matching a thread to a post --------------------------------------------------
    def _post_for(self, thread_id: str) -> int | None:
        if thread_id in self._posts:
            return self._posts[thread_id]
        thread = self.threads.get(thread_id)
        post_id = None
        if thread is not None:
            post_id = self._match(thread)
            if post_id is None:
                self.summary.warn(
                    f"Disqus thread {thread_id} ({thread.link or thread.identifier}) matches no "
                    "post here: its comments are skipped."
                )
        self._posts[thread_id] = post_id
        return post_id

    def _match(self, thread: DisqusThread) -> int | None:
        path = unquote(urlsplit(thread.link).path) if thread.link else ""
        if path and path != "/":
            alternative = path[:-1] if path.endswith("/") else path + "/"
            record = ImportedPost.objects.filter(old_path__in=[path, alternative]).first()
            if record is not None:
                return record.post_id
            try:
                match = resolve(path if path.endswith("/") else path + "/")
            except Resolver404:
                match = None
            if match is not None and match.view_name == "publishing:post":
                post = Post.objects.filter(
                    blog__slug=match.kwargs["blog_slug"], slug=match.kwargs["post_slug"]
                ).first()
                if post is not None:
                    return post.pk
        first_word = thread.identifier.split(" ", 1)[0]
        if first_word.isdigit():
            record = ImportedPost.objects.filter(wordpress_id=int(first_word)).first()
            if record is not None:
                return record.post_id
        query = urlsplit(thread.link).query if thread.link else ""
        if query.startswith("p=") and query[2:].isdigit():
            record = ImportedPost.objects.filter(wordpress_id=int(query[2:])).first()
            if record is not None:
                return record.post_id
        return None

    # --- comments ---------------------------------------------------------------------
    def _import_comment(self, element, known: dict) -> None:
        disqus_id = element.get(INTERNALS + "id", "")
        if not disqus_id:
            self.summary.count("comments", "skipped", "no Disqus id")
            return
        if disqus_id in known:
            self.summary.count(
                "comments", "unchanged", "already imported (moderation here decides its state)"
            )
            return
        post_id = self._post_for(_reference(element, "thread"))
        if post_id is None:
            self.summary.count("comments", "skipped", "its thread matches no post here")
            return
        text = clean_text(wordpress_html.plain_text_with_breaks(_child_text(element, "message")))
        if not text:
            self.summary.count("comments", "skipped", "empty")
            return
        if _child_text(element, "isSpam") == "true":
            status = Comment.Status.SPAM
        elif _child_text(element, "isDeleted") == "true":
            status = Comment.Status.REJECTED
        elif _child_text(element, "isApproved") == "false":
            status = Comment.Status.PENDING
        else:
            status = Comment.Status.APPROVED
        parent = None
        parent_id = _reference(element, "parent")
        if parent_id:
            parent = known.get(parent_id)
            if parent is None:
                self.summary.warn(
                    f"Disqus comment {disqus_id} replies to {parent_id}, which is not in the "
                    "export: shown as a new thread."
                )
            elif parent.post_id != post_id:
                parent = None
            elif parent.parent_id is not None:
                parent = parent.parent
        author = element.find(DISQUS + "author")
        name = _child_text(author, "name") if author is not None else ""
        email = (_child_text(author, "email") if author is not None else "").lower()
        try:
            validate_email(email)
        except ValidationError:
            email = ""
        ip = _child_text(element, "ipAddress")
        comment = Comment(
            post_id=post_id,
            parent=parent,
            author_name=clean_line(name)[:80] or "Anonymous",
            email=email,
            ip_hash=hash_ip(ip) if ip else "",
            created_at=_when(_child_text(element, "createdAt")) or timezone.now(),
            flags=["Imported from Disqus, where it awaited approval"]
            if status == Comment.Status.PENDING
            else [],
        )
        comment.set_text(text)
        settle_imported_comment(comment, status, rejection_reason="Deleted in Disqus when imported")
        ImportedDisqusComment.objects.create(disqus_id=disqus_id, comment=comment)
        known[disqus_id] = comment
        self.summary.count("comments", "created", f"as {comment.get_status_display().lower()}")
