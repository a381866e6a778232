"""Django's ASGI handler, made safe against clients that send their request slowly.

Under ASGI, Django reads a request's whole body in the event loop before any
view (or thread) is involved, so a client trickling a comment's body one byte
a second costs a coroutine, not one of the few threads that run views. Three
limits are added here, because a body that is read in full before dispatch
must be bounded in time and in size:

- the body must arrive within ``MASTHEAD_REQUEST_BODY_SECONDS``, or the client
  gets a 408 and the connection is closed (otherwise thousands of trickling
  connections could stay open for ever);
- a body larger than ``MASTHEAD_MAX_UPLOAD_BYTES`` is refused with a 413, by
  its declared length before a byte is read, or as soon as it grows past it
  (Django's own ``DATA_UPLOAD_MAX_MEMORY_SIZE`` still applies to form fields);
- at most ``MASTHEAD_SERVER_THREADS`` requests run Django's (synchronous) code
  at once per process; the rest wait in the event loop, holding no thread.

Before any of that, an anonymous reader's request that the page cache holds a
current answer for is answered straight from it (``masthead.pagecache.asgi``).
"""

import asyncio
import io

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler

from masthead.pagecache.asgi import answer_from_store


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
        super().__init__()
        self._view_slots: asyncio.Semaphore | None = None

    @property
    def view_slots(self) -> asyncio.Semaphore:
        # Created on first use, inside the worker's event loop.
        if self._view_slots is None:
            self._view_slots = asyncio.Semaphore(max(1, settings.MASTHEAD_SERVER_THREADS))
        return self._view_slots

    async def __call__(self, scope, receive, send):
        # Ahead of Django's own entry (and its per-request context): a hit needs none of it.
        if scope["type"] == "http" and await answer_from_store(scope, send):
            return
        await super().__call__(scope, receive, send)

    async def handle(self, scope, receive, send):
        try:
            if declared_body_length(scope) > settings.MASTHEAD_MAX_UPLOAD_BYTES:
                raise BodyRefused(413)
            await super().handle(scope, receive, send)
        except BodyRefused as refusal:
            # Raised only while the body is read: nothing has been sent yet.
            await self.refuse(scope, refusal.status, send)

    async def refuse(self, scope, status: int, send):
        """Answer with the site's own page, through every middleware (security headers).

        The request goes on without its body, to a URLconf that has only the refusal
        page. Rendering it is Django's work like any other: a thousand slow clients
        cut off at once take their turns rather than a thousand threads at once.
        """
        request, response = self.create_request(scope, io.BytesIO())
        if request is not None:
            request.urlconf = "masthead.server.refusal_urls"
            request.refused_with_status = status
            async with self.view_slots:
                response = await self.get_response_async(request)
        await self.send_response(response, send)
        # Sends request_finished, which closes this request's database connection.
        await sync_to_async(response.close)()

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

    async def run_get_response(self, request):
        async with self.view_slots:
            return await super().run_get_response(request)
