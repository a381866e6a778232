"""Django under ASGI, with slow clients kept in the event loop and views on a fixed pool of threads.

Two jobs are split between the event loop and a pool of threads:

- **The event loop reads request bodies.** A client trickling a comment's body
  one byte a second costs a coroutine, not one of the few threads that run
  views. Because the body is read in full before dispatch, it is bounded in
  time (``MASTHEAD_REQUEST_BODY_SECONDS``, else a 408 and the connection is
  closed) and in size (``MASTHEAD_MAX_UPLOAD_BYTES``, else a 413, by its declared
  length before a byte is read, or as soon as it grows past it; Django's own
  ``DATA_UPLOAD_MAX_MEMORY_SIZE`` still applies to form fields).
- **A fixed pool of ``MASTHEAD_SERVER_THREADS`` threads runs Django's code**:
  the request signals, the middleware and the view, in one hop per request,
  exactly as a threaded WSGI server runs them. Requests beyond the pool wait in
  the event loop, holding no thread.

Why not Django's own ``ASGIHandler.handle``: it gives every request a thread of
its own (an asgiref ``ThreadSensitiveContext``) and crosses between the loop and
that thread several times. A new thread means a new database connection on
every request, so persistent connections (``CONN_MAX_AGE``) cannot work, and
the crossings cost more CPU than rendering a cached fragment. The pool's
threads live as long as the process, so each keeps its connection between
requests, and Django's ``close_old_connections`` (on the request signals) still
retires one that is too old or broken.

Before any of that, an anonymous reader's request that the page cache holds a
current answer for is answered straight from it (``masthead.pagecache.asgi``).
"""

import asyncio
import io
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.http import FileResponse
from django.urls import set_script_prefix

from masthead.pagecache.asgi import answer_from_store

logger = logging.getLogger("masthead.server")

# A streaming answer's iterator is exhausted when this comes back instead of a part.
_END_OF_STREAM = object()


class BodyRefused(Exception):
    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


def declared_body_length(scope) -> int:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0  # Granian refuses such a request before it gets here
    return 0


class MastheadASGIHandler(ASGIHandler):
    def __init__(self):
        # Not ASGIHandler.__init__: the middleware runs synchronously, in the pool's threads.
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    @property
    def pool(self) -> ThreadPoolExecutor:
        # Made on first use, in the worker process that serves (Granian may fork
        # its workers from a process that imported this module).
        if self._pool is None:
            with self._pool_lock:
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(
                        max_workers=max(1, settings.MASTHEAD_SERVER_THREADS),
                        thread_name_prefix="masthead-view",
                    )
        return self._pool

    async def in_pool(self, function, *args):
        return await asyncio.get_running_loop().run_in_executor(self.pool, function, *args)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Masthead serves HTTP only, not {scope['type']}.")
        # A page-cache hit needs no request object, no middleware and no thread.
        if await answer_from_store(scope, send):
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope, receive, send):
        try:
            if declared_body_length(scope) > settings.MASTHEAD_MAX_UPLOAD_BYTES:
                raise BodyRefused(413)
            body_file = await self.read_body(receive)
        except RequestAborted:
            return  # the client went away while sending its request
        except BodyRefused as refusal:
            # Raised only while the body is read: nothing has been sent yet.
            await self.answer(scope, io.BytesIO(), send, refused_with_status=refusal.status)
            return
        await self.answer(scope, body_file, send)

    async def answer(self, scope, body_file, send, refused_with_status: int | None = None):
        response = await self.in_pool(self.respond, scope, body_file, refused_with_status)
        try:
            if response.streaming and not response.is_async:
                response.streaming_content = self.parts_from_pool(iter(response.streaming_content))
            await self.send_response(response, send)
        finally:
            if response.streaming:
                # Sends request_finished from the pool, where the connection lives.
                await self.in_pool(response.close)
            body_file.close()

    def respond(self, scope, body_file, refused_with_status: int | None):
        """Django's work for one request, in one of the pool's threads (WSGI's sequence)."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            if refused_with_status is not None:
                # The site's own refusal page, through every middleware (security headers).
                request.urlconf = "masthead.server.refusal_urls"
                request.refused_with_status = refused_with_status
            response = self.get_response(request)
            response._handler_class = self.__class__
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size  # Granian chunks for the network
        if not response.streaming:
            # The body is in memory: finishing here sends request_finished (which
            # keeps or retires this thread's database connection) without a second hop.
            response.close()
        return response

    async def parts_from_pool(self, parts):
        """A streaming answer's parts, read in the pool (reading them may use the database)."""
        while True:
            part = await self.in_pool(next, parts, _END_OF_STREAM)
            if part is _END_OF_STREAM:
                return
            yield part

    async def read_body(self, receive):
        limit = settings.MASTHEAD_MAX_UPLOAD_BYTES
        received = 0

        async def receive_within_limit():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyRefused(413)
            return message

        try:
            async with asyncio.timeout(settings.MASTHEAD_REQUEST_BODY_SECONDS):
                return await super().read_body(receive_within_limit)
        except TimeoutError:
            raise BodyRefused(408) from None
