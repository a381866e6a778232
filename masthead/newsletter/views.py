"""The reader's side: subscribe, confirm, change preferences, unsubscribe.

The subscribe form sits on pages cached whole for everyone, so it carries no CSRF
token; like the comment form, the view checks instead that the form was posted from
this site, and it bounds each client in the database. The other views are reached
through signed links from mails: the signature is what authorises them.
"""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from masthead.client_limits import client_key
from masthead.discussion.abuse import request_is_from_this_site
from masthead.newsletter.forms import PreferencesForm, SubscribeForm
from masthead.newsletter.models import ClientBudget, Subscriber
from masthead.newsletter.subscription import Request, confirm, request_confirmation


def private(response: HttpResponse) -> HttpResponse:
    """For one person: never stored by the page cache or anyone else, never indexed."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "same-origin"
    return response


def page(request, template, context=None, status=200):
    return private(render(request, f"newsletter/{template}", context or {}, status=status))


@csrf_exempt
@require_POST
def subscribe(request):
    if not request_is_from_this_site(request):
        return page(request, "refused.html", {"title": "This form was not sent from our site",
                    "message": "Please use the form on our pages."}, status=403)  # fmt: skip
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return page(request, "form_error.html", {"form": form}, status=400)
    if form.cleaned_data["website"]:
        return page(request, "check_inbox.html")  # a robot: told the same, nothing sent
    allowed = ClientBudget.spend(
        "subscribe", client_key(request), settings.MASTHEAD_NEWSLETTER_SUBSCRIBES_PER_CLIENT, 3600
    )
    if not allowed:
        response = page(request, "refused.html", {"title": "Too many requests",
                        "message": "Please try again in an hour."}, status=429)  # fmt: skip
        response["Retry-After"] = "3600"
        return response
    request_confirmation(form.cleaned_data["request"])
    return page(request, "check_inbox.html")


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_subscription(request, token):
    asked = Request.from_signed(token)
    if asked is None:
        return page(request, "refused.html", {"title": "This link has expired or is damaged",
                    "message": "Subscribe again with the form on any page; we will send a new "
                               "link."}, status=404)  # fmt: skip
    if request.method != "POST":
        # A button, not the link itself: mail scanners open links, people press buttons.
        return page(request, "confirm.html", {"follows": asked.describe(), "email": asked.email})
    subscriber = confirm(asked)
    return page(request, "confirmed.html", {"subscriber": subscriber})


def subscriber_or_404(token) -> Subscriber:
    subscriber = Subscriber.from_token(token)
    if subscriber is None:
        raise Http404("This link is not valid.")
    return subscriber


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """GET: a page with one button. POST (that button, or a mail client's one-click): done."""
    subscriber = subscriber_or_404(token)
    if request.method == "POST":
        if subscriber.left_at is None:
            subscriber.leave()
        return page(request, "unsubscribed.html", {"subscriber": subscriber})
    return page(request, "unsubscribe.html", {"subscriber": subscriber})


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request, token):
    subscriber = subscriber_or_404(token)
    if request.method == "POST":
        if "leave" in request.POST:
            if subscriber.left_at is None:
                subscriber.leave()
            return page(request, "unsubscribed.html", {"subscriber": subscriber})
        form = PreferencesForm(request.POST, instance=subscriber)
        if form.is_valid():
            form.save()
            if subscriber.cadence == Subscriber.Cadence.WEEKLY:
                from masthead.newsletter.digest import schedule_next_digest

                schedule_next_digest()
            return page(request, "preferences.html", {"form": form, "subscriber": subscriber,
                                                       "saved": True})  # fmt: skip
        return page(request, "preferences.html", {"form": form, "subscriber": subscriber},
                    status=400)  # fmt: skip
    form = PreferencesForm(instance=subscriber)
    return page(request, "preferences.html", {"form": form, "subscriber": subscriber})
