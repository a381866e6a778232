"""Reading a response the way a browser enforcing our policy would: its CSP and its markup."""

from html.parser import HTMLParser

# Script types a browser runs; anything else (JSON-LD, templates) is an inert data block.
EXECUTABLE_SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}


def csp_directives(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']} has no Content-Security-Policy header"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def sources_for(directives: dict[str, list[str]], name: str) -> list[str]:
    """A fetch directive falls back to default-src when absent, as browsers do."""
    return directives.get(name, directives.get("default-src", []))


class InlineCodeFinder(HTMLParser):
    """Collects every piece of markup that a policy without 'unsafe-inline' would block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._open_script: dict | None = None
        self._open_style = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event-handler attribute")
            if name == "style":
                self.problems.append(f"<{tag} style={value!r}> inline style")
            if name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}> javascript: URL")
        if tag == "script":
            self._open_script = {"attributes": attributes, "body": ""}
        if tag == "style":
            self._open_style = True
            self.problems.append("<style> element")

    def handle_data(self, data):
        if self._open_script is not None:
            self._open_script["body"] += data

    def handle_endtag(self, tag):
        if tag == "script" and self._open_script is not None:
            script = self._open_script
            script_type = (script["attributes"].get("type") or "").strip().lower()
            runs = script_type in EXECUTABLE_SCRIPT_TYPES
            if runs and "src" not in script["attributes"]:
                self.problems.append(f"inline <script>: {script['body'].strip()[:80]!r}")
            self._open_script = None
        if tag == "style":
            self._open_style = False


def inline_code_in(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder.problems
