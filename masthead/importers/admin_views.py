"""The admin's old "Import a Word document" address: Word files are imported at the desk
(one flow, ``importers/word_upload.py``), so the admin sends people there."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse


def import_word(request):
    if not request.user.has_perm("publishing.add_post"):
        raise PermissionDenied("Only writers and editors can import documents.")
    address = reverse("desk:import")
    draft = request.GET.get("post", "")
    if draft.isdigit():
        address += "?" + urlencode({"post": draft})
    return redirect(address)
