"""The desk's people: a writer with an author of their own, and an editor."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

PASSWORD = "a long enough password"


def person(username, group=None, **fields):
    user = get_user_model().objects.create_user(
        username, f"{username}@harbour.example.org", PASSWORD, is_staff=True, **fields
    )
    if group is not None:
        user.groups.add(group if isinstance(group, Group) else Group.objects.get(name=group))
    return user


@pytest.fixture
def writer(ada):
    user = person("ada", "Writers")
    ada.user = user
    ada.save()
    return user


@pytest.fixture
def desk_editor(db):
    return person("ines", "Editors")
