"""Cursor pagination: each page links to the next by the last item it holds, not by an offset.

A cursor stays right while posts are published in front of it (an offset would
repeat or skip items), and the database seeks to it through an index.
"""

import base64
import binascii
import datetime
import json

from django.db.models import Q, QuerySet
from ninja.errors import HttpError

BAD_CURSOR = "This cursor is not one the API gave out: start again from the first page."


def encode(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def decode(cursor: str) -> list:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error):
        raise HttpError(400, BAD_CURSOR) from None
    if not isinstance(values, list):
        raise HttpError(400, BAD_CURSOR)
    return values


def is_key(value) -> bool:
    """A whole number the database can hold as a primary key."""
    return type(value) is int and 0 <= value < 2**63


def next_url(request, cursor: str) -> str:
    query = request.GET.copy()
    query["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def page_by_key(request, queryset: QuerySet, cursor: str | None, limit: int):
    """One page of ``queryset`` in primary-key order, and the next page's address."""
    queryset = queryset.order_by("pk")
    if cursor:
        values = decode(cursor)
        if len(values) != 1 or not is_key(values[0]):
            raise HttpError(400, BAD_CURSOR)
        queryset = queryset.filter(pk__gt=values[0])
    items = list(queryset[: limit + 1])
    if len(items) <= limit:
        return items, None
    items = items[:limit]
    return items, next_url(request, encode([items[-1].pk]))


def page_by_date(request, queryset: QuerySet, cursor: str | None, limit: int):
    """One page of posts, newest first (ties by id), and the next page's address."""
    queryset = queryset.order_by("-publish_at", "-pk")
    if cursor:
        values = decode(cursor)
        try:
            moment, pk = values
            moment = datetime.datetime.fromisoformat(moment)
        except (ValueError, TypeError):
            raise HttpError(400, BAD_CURSOR) from None
        if not is_key(pk) or moment.tzinfo is None:
            raise HttpError(400, BAD_CURSOR)
        queryset = queryset.filter(Q(publish_at__lt=moment) | Q(publish_at=moment, pk__lt=pk))
    items = list(queryset[: limit + 1])
    if len(items) <= limit:
        return items, None
    items = items[:limit]
    last = items[-1]
    return items, next_url(request, encode([last.publish_at.isoformat(), last.pk]))
