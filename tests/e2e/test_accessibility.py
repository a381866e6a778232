"""axe-core, run inside Chromium, finds no serious or critical problem on the pages people use."""

import pytest

from tests.e2e import seed

pytestmark = pytest.mark.browser

POST_PATH = f"/{seed.BLOG_SLUG}/{seed.POST_SLUG}/"
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def audited_page(new_context, axe_script):
    """A page whose audits inject axe-core; the strict Content-Security-Policy is bypassed
    for that injected script only in this browser context, not changed on the site."""
    page = new_context(bypass_csp=True).new_page()

    def audit(path: str | None = None) -> list[str]:
        if path is not None:
            page.goto(path)
        page.add_script_tag(path=axe_script)
        results = page.evaluate("axe.run(document, { resultTypes: ['violations'] })")
        return [
            f"{violation['id']} ({violation['impact']}): {violation['help']} at "
            + ", ".join(" ".join(node["target"]) for node in violation["nodes"])
            for violation in results["violations"]
            if violation["impact"] in BLOCKING_IMPACTS
        ]

    page.audit = audit
    return page


@pytest.mark.parametrize(
    "path",
    [
        "/",
        f"/{seed.BLOG_SLUG}/",
        POST_PATH,
        f"{POST_PATH}cite/",
        f"/authors/{seed.AUTHORS[0][1]}/",
        f"/{seed.BLOG_SLUG}/{seed.NOTED_POST_SLUG}/",
        f"/{seed.BLOG_SLUG}/{seed.NOTED_POST_SLUG}/versions/1/",
    ],  # fmt: skip
    ids=[
        "hub",
        "blog",
        "post with comments",
        "cite page",
        "author",
        "post with footnotes and a correction",
        "earlier version",
    ],  # fmt: skip
)
def test_a_public_page_has_no_serious_accessibility_violations(audited_page, path):
    assert audited_page.audit(path) == []


def test_the_open_cite_dialog_has_no_serious_accessibility_violations(audited_page):
    audited_page.goto(POST_PATH)
    audited_page.get_by_role("link", name="Cite").click()
    assert audited_page.get_by_role("dialog").is_visible()
    assert audited_page.audit() == []


def test_the_comment_form_with_errors_has_no_serious_accessibility_violations(audited_page):
    audited_page.goto(POST_PATH)
    audited_page.get_by_role("button", name="Submit comment").click()
    assert audited_page.locator(".field--error").count() == 3
    assert audited_page.audit() == []


def test_the_commenters_status_page_and_the_moderation_queue_have_no_serious_violations(
    audited_page,
):
    audited_page.goto(POST_PATH)
    audited_page.get_by_role("textbox", name="Name", exact=True).fill("Liv Sandoval")
    audited_page.get_by_role("textbox", name="Email", exact=True).fill("liv@example.org")
    audited_page.get_by_role("textbox", name="Comment", exact=True).fill(
        "Who pays for the upkeep once the grant runs out? See https://example.org/budget"
    )
    audited_page.get_by_role("button", name="Submit comment").click()
    assert audited_page.locator("h1").inner_text() == "Your comment awaits moderation"
    assert audited_page.audit() == []

    seed.log_in_as_moderator(audited_page)
    assert audited_page.locator("[data-queue-item]", has_text="Liv Sandoval").count() == 1
    assert audited_page.audit() == []


def test_the_audit_does_report_what_breaks_the_rules(audited_page):
    """The check above can fail: on a page with an unlabelled field and an image without
    alt text, the same audit names both."""
    audited_page.goto("/")
    audited_page.evaluate(
        """() => {
            const main = document.querySelector("main");
            main.insertAdjacentHTML("beforeend", '<img src="/static/masthead/favicon.svg">');
            main.insertAdjacentHTML("beforeend", '<input type="text" name="unnamed">');
        }"""
    )
    found = {problem.split(" ")[0] for problem in audited_page.audit()}
    assert {"image-alt", "label"} <= found
