"""axe-core, run inside Chromium, finds no serious or critical problem on any page type.

Every page type is audited with the WCAG 2.2 AA rules (and axe's best practices)
at a desktop and a phone width. A new page type is one more row in ``PAGE_TYPES``:
its name, the address to open, and, when a person has to do something there
first (send a form, sign in), that step.
"""

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from tests.e2e import seed

pytestmark = pytest.mark.browser

POST_PATH = f"/{seed.BLOG_SLUG}/{seed.POST_SLUG}/"
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING_IMPACTS = {"serious", "critical"}
WIDTHS = {
    "1280px": {"viewport": {"width": 1280, "height": 900}},
    "390px": {"viewport": {"width": 390, "height": 844}, "is_mobile": True},
}
_commenters = itertools.count(1)


# --- what a person does on a page before it is audited ------------------------------------
def open_the_cite_dialog(page):
    page.get_by_role("link", name="Cite").click()
    expect(page.get_by_role("dialog", name="Cite this post")).to_be_visible()


def open_the_first_month(page):
    page.locator("main").get_by_role("link", name=re.compile(r"^\w+ \d{4}$")).first.click()
    page.wait_for_url(re.compile(r"/archive/\d{4}/\d{1,2}/$"))


def send_an_empty_comment(page):
    page.get_by_role("button", name="Submit comment").click()
    expect(page.locator(".field--error")).to_have_count(3)


def send_a_comment(page):
    """A comment from a new commenter each time, so the per-address rate limit stays far off."""
    number = next(_commenters)
    page.get_by_role("textbox", name="Name", exact=True).fill(f"Audit Reader {number}")
    page.get_by_role("textbox", name="Email", exact=True).fill(f"reader{number}@example.org")
    page.get_by_role("textbox", name="Comment", exact=True).fill(
        f"Who pays for the upkeep once the grant runs out? (question {number})"
    )
    page.get_by_role("button", name="Submit comment").click()
    expect(page.locator("h1")).to_have_text("Your comment awaits moderation")


def send_a_comment_then_a_blank_change(page):
    send_a_comment(page)
    # Spaces pass the browser's own check for a required field; the server refuses them.
    page.get_by_role("textbox", name="Comment", exact=True).fill("   ")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".field--error")).to_have_count(1)


def open_a_reply_form(page):
    page.get_by_role("link", name=f"Reply to {seed.APPROVED_COMMENTS[0][0]}").click()
    expect(page.locator("h1")).to_have_text("Reply to a comment")


def sign_in_as_moderator(then: str | None = None):
    def sign_in(page):
        seed.log_in_as_moderator(page)
        if then:
            page.goto(then)

    return sign_in


def look_up_a_bad_commenter_address(page):
    seed.log_in_as_moderator(page)
    page.goto("/moderation/commenter/?email=not-an-address")
    expect(page.locator(".field--error")).to_have_count(1)


def queue_a_comment_and_sign_in_as_moderator(page):
    send_a_comment(page)
    seed.log_in_as_moderator(page)
    expect(page.locator("[data-queue-item]").first).to_be_visible()


@dataclass(frozen=True)
class PageType:
    name: str
    path: str
    then: Callable | None = None  # what a person does there before the audit
    status: int = 200


PAGE_TYPES = [
    PageType("hub", "/"),
    PageType("blog", f"/{seed.BLOG_SLUG}/"),
    PageType("post with comments", POST_PATH),
    PageType("post with the cite dialog open", POST_PATH, open_the_cite_dialog),
    PageType("post with a correction", f"/{seed.BLOG_SLUG}/{seed.CORRECTED_POST[0]}/"),
    PageType("cite page", f"{POST_PATH}cite/"),
    PageType("author", f"/authors/{seed.AUTHORS[0][1]}/"),
    PageType("author, second page", f"/authors/{seed.AUTHORS[0][1]}/?page=2"),
    PageType("topic", f"/topics/{seed.TOPIC[1]}/"),
    PageType("archive index", "/archive/"),
    PageType("archive month", "/archive/", open_the_first_month),
    PageType("comment form with errors", POST_PATH, send_an_empty_comment),
    PageType("comment status page", POST_PATH, send_a_comment),
    PageType(
        "comment status page, change with errors", POST_PATH, send_a_comment_then_a_blank_change
    ),
    PageType("reply form", POST_PATH, open_a_reply_form),
    PageType("moderation queue", POST_PATH, queue_a_comment_and_sign_in_as_moderator),
    PageType("moderation log", "/", sign_in_as_moderator(then="/moderation/log/")),
    PageType("moderation rules", "/", sign_in_as_moderator(then="/moderation/rules/")),
    PageType("commenter export", "/", sign_in_as_moderator(then="/moderation/commenter/")),
    PageType("commenter export, bad address", "/", look_up_a_bad_commenter_address),
    PageType("post with footnotes and a correction", f"/{seed.BLOG_SLUG}/{seed.NOTED_POST_SLUG}/"),
    PageType("earlier version", f"/{seed.BLOG_SLUG}/{seed.NOTED_POST_SLUG}/versions/1/"),
    PageType("search with results", "/search/?q=seawall"),
    PageType("search without results", "/search/?q=zzzyzzy"),
    PageType("page not found", "/no-such-blog/no-such-post/", status=404),
]


# axe accepts an aria-describedby naming an id the page lacks; a screen reader then reads
# a field without its error message. Reported in axe's own shape, as a serious finding.
MISSING_REFERENCES = """() => {
    const named = [...document.querySelectorAll("[aria-describedby], [aria-labelledby]")];
    const nodes = named.flatMap(element => ["aria-describedby", "aria-labelledby"].flatMap(
        attribute => (element.getAttribute(attribute) || "").split(/\\s+/)
            .filter(id => id && !document.getElementById(id))
            .map(id => ({target: [`${element.localName}#${element.id}[${attribute}=${id}]`]}))
    ));
    return nodes.length ? [{
        id: "missing-idref", impact: "serious", nodes,
        help: "aria-describedby and aria-labelledby name elements that exist",
    }] : [];
}"""


def findings(page, axe_script) -> list[dict]:
    page.add_script_tag(path=axe_script)
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
        "resultTypes: ['violations']})",
        RULE_TAGS,
    )
    return results["violations"] + page.evaluate(MISSING_REFERENCES)


def described(violations: list[dict]) -> list[str]:
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in violations
    ]


@pytest.fixture
def audited_page(new_context, axe_script):
    """A page whose audits inject axe-core; the strict Content-Security-Policy is bypassed
    for that injected script only in this browser context, not changed on the site."""

    def open_page(**options):
        page = new_context(bypass_csp=True, **options).new_page()
        page.audit = lambda: findings(page, axe_script)
        return page

    return open_page


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=[page.name for page in PAGE_TYPES])
def test_a_page_type_has_no_serious_accessibility_violations(audited_page, page_type, width):
    page = audited_page(**width)
    response = page.goto(page_type.path)
    assert response.status == page_type.status
    if page_type.then:
        page_type.then(page)
    blocking = [v for v in page.audit() if v["impact"] in BLOCKING_IMPACTS]
    assert described(blocking) == []


def test_the_audit_does_report_what_breaks_the_rules(audited_page):
    """The check above can fail: on a page with an unlabelled field, an image without
    alt text, two tiny links side by side and a field described by an element that is
    not there, the same audit names all four."""
    page = audited_page(**WIDTHS["1280px"])
    page.goto("/")
    page.evaluate(
        """() => {
            const main = document.querySelector("main");
            main.insertAdjacentHTML("beforeend", '<img src="/static/masthead/favicon.svg">');
            main.insertAdjacentHTML("beforeend", '<input type="text" name="unnamed">');
            main.insertAdjacentHTML(
                "beforeend", '<input id="described" aria-label="Named" aria-describedby="gone">'
            );
            main.insertAdjacentHTML(
                "beforeend", '<p style="font-size:8px"><a href="/a/">a</a><a href="/b/">b</a></p>'
            );
        }"""
    )
    found = {violation["id"] for violation in page.audit()}
    assert {"image-alt", "label", "target-size", "missing-idref"} <= found
