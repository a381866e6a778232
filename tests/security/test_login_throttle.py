"""Sign-in is paused after repeated wrong passwords for one account from one address.

The admin's login form is the only login form (moderators use it too), so
throttling it covers every way in. Limits are the defaults: 5 failures, 15 minutes.
"""

import datetime

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command

LOGIN = "/admin/login/?next=/moderation/"
RIGHT = "moderating is care"


def sign_in(client, username="mod", password=RIGHT, address="192.0.2.10"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, times, **who):
    return [sign_in(client, password="wrong guess", **who) for _ in range(times)]


def is_signed_in(client):
    return client.get("/moderation/").status_code == 200


@pytest.fixture
def second_moderator(django_user_model, moderator):
    user = django_user_model.objects.create_user("eve", "eve@example.org", RIGHT, is_staff=True)
    user.groups.set(moderator.groups.all())
    return user


def test_wrong_passwords_before_the_limit_get_the_ordinary_error(client, furnished_post, moderator):
    for response in fail(client, 4):
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()


def test_the_fifth_wrong_password_pauses_sign_in_with_a_clear_page(
    client, furnished_post, moderator
):
    *_, fifth = fail(client, 5)
    assert fifth.status_code == 429
    page = fifth.content.decode()
    assert "<h1>Sign-in paused</h1>" in page
    assert "paused for 15 minutes" in page
    assert "Harbour Institute for Public Affairs" in page  # the site's own look
    assert fifth["Retry-After"] == "900"
    assert "Content-Security-Policy" in fifth


def test_while_paused_even_the_right_password_is_refused(client, furnished_post, moderator):
    fail(client, 5)
    response = sign_in(client)
    assert response.status_code == 429
    assert not is_signed_in(client)


def test_the_pause_holds_only_for_that_account_from_that_address(
    client, furnished_post, moderator, second_moderator
):
    fail(client, 5)
    assert sign_in(client, address="198.51.100.7").status_code == 302
    assert is_signed_in(client)
    client.logout()
    assert sign_in(client, username="eve").status_code == 302
    assert is_signed_in(client)


def test_after_the_cool_off_the_right_password_works_again(client, furnished_post, moderator):
    fail(client, 5)
    sixteen_minutes_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    AccessAttempt.objects.update(attempt_time=sixteen_minutes_ago)
    response = sign_in(client)
    assert response.status_code == 302
    assert response["Location"] == "/moderation/"
    assert is_signed_in(client)


def test_an_administrator_can_lift_the_pause_at_once(client, furnished_post, moderator):
    fail(client, 5)
    call_command("axes_reset_username", "mod", verbosity=0)
    assert sign_in(client).status_code == 302


def test_a_successful_sign_in_clears_the_failures(client, furnished_post, moderator):
    fail(client, 4)
    assert sign_in(client).status_code == 302
    client.logout()
    assert [response.status_code for response in fail(client, 4)] == [200] * 4
    assert sign_in(client).status_code == 302
