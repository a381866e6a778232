"""In Debian's Chromium, enforcing our CSP: every script still works and nothing is refused.

Each page records ``securitypolicyviolation`` events (installed through the
browser's own init-script channel, which the page's policy does not govern)
and console messages; a single "Refused to ..." fails the journey.
"""

import pytest

from masthead.discussion.models import Comment
from tests.browser import launch_chromium

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API keeps an event loop in this thread; the ORM calls between
    # browser steps are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture(autouse=True)
def instant_background_work(settings):
    settings.MASTHEAD_MODERATION_DIGEST_MINUTES = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class Watched:
    """A page whose policy violations, refusals and script errors are kept."""

    def __init__(self, browser):
        self.page = browser.new_page()
        self.page.add_init_script(RECORD_VIOLATIONS)
        self.refusals: list[str] = []
        self.violations: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.refusals.append(f"script error: {error}"))
        self.page.on("framenavigated", lambda frame: self._collect())

    def _console(self, message):
        text = message.text
        if "Refused to" in text or "Content Security Policy" in text:
            self.refusals.append(text)

    def _collect(self):
        try:
            self.violations += self.page.evaluate("window.__cspViolations.splice(0)")
        except Exception:  # noqa: BLE001 - the page is between documents; next time
            return

    def assert_clean(self):
        self._collect()
        assert self.violations == []
        assert self.refusals == []


def test_the_post_page_scripts_and_the_comment_form_work_under_the_policy(
    browser, live_server, furnished_post
):
    watched = Watched(browser)
    page = watched.page
    post_url = live_server.url + furnished_post.get_absolute_url()
    response = page.goto(post_url)
    policy = [part.split() for part in response.headers["content-security-policy"].split(";")]
    assert ["script-src", "'self'"] in policy
    # site.js reveals Print; cite.js turns the Cite link into a dialog.
    assert page.get_by_role("button", name="Print").is_visible()
    page.get_by_role("link", name="Cite").click()
    dialog = page.get_by_role("dialog", name="Cite this post")
    dialog.wait_for(state="visible")
    assert page.url == post_url
    dialog.get_by_label("APA").check()
    assert dialog.locator("[data-cite-reference='apa']").is_visible()
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.locator("img[alt='A substation at dusk']").evaluate("img => img.naturalWidth") > 0
    watched.assert_clean()

    # A mistake first: the form comes back on a private page, and sending it from
    # there must still carry our Origin (a no-referrer policy would make it "null").
    page.fill("#id_author_name", "Rosa Delgado")
    page.fill("#id_email", "not-an-address")
    page.fill("#id_body", "Sent from Chromium under the policy.")
    page.click("text=Submit comment")
    assert "does not look like an email address" in page.locator(".field--error").inner_text()
    page.fill("#id_email", "rosa@example.org")
    page.click("text=Submit comment")
    page.get_by_role("heading", name="Your comment awaits moderation").wait_for()

    # The private status page's edit form goes through Django's CSRF check.
    page.fill("textarea[name=body]", "Sent from Chromium, then corrected.")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Your changes are saved.").wait_for()
    comment = Comment.objects.get(author_name="Rosa Delgado")
    assert comment.body == "Sent from Chromium, then corrected."
    assert comment.status == Comment.Status.PENDING
    watched.assert_clean()


def test_the_cite_pages_style_search_fetches_under_the_policy(browser, live_server, furnished_post):
    watched = Watched(browser)
    page = watched.page
    page.goto(live_server.url + furnished_post.get_absolute_url() + "cite/")
    search = page.locator("[data-style-search]")
    with page.expect_response(lambda response: "styles.json" in response.url) as answer:
        search.fill("nature")
    assert answer.value.ok
    page.wait_for_function("() => document.querySelectorAll('datalist option').length > 0")
    watched.assert_clean()


def sign_in(page, login_url, username, password):
    """Through the admin's own login form, as a person would (axes sees the attempt)."""
    page.goto(login_url)
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")


def test_a_moderator_signs_in_and_works_the_queue_by_keyboard_under_the_policy(
    browser, live_server, furnished_post, moderator, editor
):
    watched = Watched(browser)
    page = watched.page
    sign_in(page, live_server.url + "/admin/login/?next=/moderation/", "mod", "moderating is care")
    page.wait_for_selector("[data-queue-item].is-current")  # moderation.js ran
    with page.expect_navigation():
        page.keyboard.press("a")
    assert Comment.objects.get(author_name="Omar").status == Comment.Status.APPROVED
    watched.assert_clean()


def test_the_admins_own_scripts_work_under_the_policy(browser, live_server, furnished_post, editor):
    watched = Watched(browser)
    page = watched.page
    login_url = live_server.url + "/admin/login/?next=/admin/publishing/post/add/"
    sign_in(page, login_url, "editor", "correct horse battery staple")
    page.wait_for_selector("#post_form")
    # prepopulate.js fills the slug from the title as the editor types.
    page.locator("#id_title").press_sequentially("Wind Farms Need Wires")
    page.wait_for_function(
        "() => document.querySelector('#id_slug').value === 'wind-farms-need-wires'"
    )
    # inlines.js adds a byline row (its "Add another" link only exists once it ran).
    rows = page.locator("#bylines-group tbody tr.form-row:not(.empty-form)")
    rows_before = rows.count()
    page.locator("#bylines-group .add-row a").click()
    assert rows.count() == rows_before + 1
    # select2 (jQuery) opens the author search and finds Ada.
    rows.last.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("Ada")
    page.locator(".select2-results__option", has_text="Ada Okafor").wait_for()
    page.goto(live_server.url + f"/admin/publishing/post/{furnished_post.pk}/change/")
    page.wait_for_selector("#post_form")
    watched.assert_clean()
