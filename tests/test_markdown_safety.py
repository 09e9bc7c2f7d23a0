"""Markdown output is inert: HTML, links and control characters in articles stay text.

The briefs are rendered by a standard CommonMark renderer with raw HTML allowed (as GitHub-like
renderers allow it) and with link validation turned off (as permissive renderers do), and the
HTML it makes is parsed: no script, no event-handler attribute, no javascript: link, no element
that Markdown of our own making does not produce.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

markdown_it = pytest.importorskip("markdown_it")

import crossbrief  # noqa: E402
from crossbrief.cli import main  # noqa: E402
from crossbrief.render import to_markdown  # noqa: E402
from crossbrief.render.markdown import md_line, md_text, md_url  # noqa: E402

# What our own Markdown makes: headings, paragraphs, lists, emphasis, links to http(s) sources.
OUR_TAGS = {"h1", "h2", "p", "ul", "ol", "li", "em", "strong", "a"}
SCRIPT = "<script>alert('x')</script>"
IMG = "<img src=x onerror=alert(1)>"
HOVER = '<a href="#" onmouseover="alert(2)">here</a>'
LINK = "[click me](javascript:alert(3))"
AUTOLINK = "<javascript:alert(4)>"


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def render(markdown: str) -> tuple[list[tuple[str, dict[str, str]]], str]:
    md = markdown_it.MarkdownIt("commonmark", {"html": True})
    md.validateLink = lambda url: True  # a permissive renderer: every link it parses is made
    parser = _Elements()
    parser.feed(md.render(markdown))
    parser.close()
    return parser.elements, "".join(parser.text)


def assert_inert(markdown: str) -> str:
    """No live element from article text in the rendered Markdown; returns the rendered text."""
    elements, text = render(markdown)
    tags = {tag for tag, _ in elements}
    assert "script" not in tags and "img" not in tags and "title" not in tags
    assert tags <= OUR_TAGS, tags - OUR_TAGS
    for tag, attrs in elements:
        assert not [k for k in attrs if k.lower().startswith("on")], (tag, attrs)
        for key in ("href", "src"):
            value = attrs.get(key, "").strip().lower()
            assert not value or value.startswith(("http://", "https://")), (tag, attrs)
    return text


def _payload_bundle(tmp_path: Path) -> list[str]:
    one = tmp_path / "one.json"
    one.write_text(json.dumps({
        "title": f"Council </title>{SCRIPT} votes on the river budget",
        "outlet": f"Valley {IMG} Post",
        "url": "javascript:alert(5)",
        "date": "2024-05-02",
        "text": (
            f"The Harwick town council voted on Monday to spend 4 million pounds on river defences {SCRIPT}.\n"
            f"Mayor Ann Price said the money would protect 300 homes {IMG} along the Tessel.\n"
            f"“We cannot wait for the next flood {HOVER},” Ann Price said after the vote.\n"
            f"Residents can read the plan online {LINK} or at the library {AUTOLINK}.\n"
        ),
    }))
    two = tmp_path / "two.json"
    two.write_text(json.dumps({
        "title": f"Harwick backs flood plan {HOVER}",
        "outlet": "Tessel & District <b onmouseover=alert(6)>News</b>",
        "url": "https://news.example.org/harwick-flood-plan",
        "text": (
            f"Harwick council agreed on Monday to spend 4 million pounds on flood defences for the Tessel {IMG}.\n"
            f"The scheme will protect about 300 homes, Mayor Ann Price {SCRIPT} told reporters.\n"
            f"“We cannot wait for the next flood,” Ann Price said. {LINK}\n"
            "Work on the new walls starts in June 2024, the council said.\n"
        ),
    }))
    three = tmp_path / f"wire {IMG}.txt"
    three.write_text(
        f"Harwick approves river defences {SCRIPT}\n\n"
        f"Councillors in Harwick voted on Monday for 4 million pounds of river defences {AUTOLINK}.\n"
        f"Ann Price, the mayor, said 300 homes would be safer {HOVER}.\n"
        f"Building is due to begin in June 2024 {LINK}.\n"
    )
    missing = tmp_path / f"gone {IMG}\n# heading.txt"
    return [str(one), str(two), str(three), str(missing)]


def test_a_brief_of_hostile_articles_renders_no_live_html(tmp_path: Path):
    brief = crossbrief.brief(_payload_bundle(tmp_path), words=200)
    assert len(brief.articles) == 3 and brief.problems
    markdown = to_markdown(brief)
    text = assert_inert(markdown)
    # The text is still there to read, as text.
    assert "<script>alert('x')</script>" in text and "</title>" in text
    assert "onerror=alert(1)" in text and "onmouseover" in text
    assert "javascript:alert(5)" in text and "Tessel & District" in text
    assert "[click me](javascript:alert(3))" in text
    # One line per problem, whatever the input's name holds.
    unused = markdown.split("## Inputs not used", 1)[1].strip().splitlines()
    assert len(unused) == 1 and unused[0].startswith(f"- {tmp_path}")
    assert unused[0].endswith("# heading.txt: no such file or folder")
    # The one http(s) URL is a link; nothing else is.
    elements, _ = render(markdown)
    hrefs = [attrs["href"] for tag, attrs in elements if tag == "a"]
    assert hrefs == ["https://news.example.org/harwick-flood-plan"]


def test_analyze_markdown_of_a_hostile_article_renders_no_live_html(capsys, tmp_path: Path):
    path = tmp_path / "story.txt"
    path.write_text(
        f"River plan approved {SCRIPT}\n\n"
        f"The Harwick council voted on 2 May 2024 to spend 4 million pounds on defences {IMG}.\n"
        "Mayor Ann Price said the walls would protect 300 homes along the river.\n"
        f"“We cannot wait for the next flood {SCRIPT},” Ann Price said after the vote.\n"
        f"Residents can read the plan online {LINK} or at the library {AUTOLINK}.\n"
    )
    assert main(["analyze", str(path)]) == 0
    out = capsys.readouterr().out
    text = assert_inert(out)
    assert "<script>alert('x')</script>" in text and "Ann Price" in text


@pytest.mark.parametrize("payload", [
    SCRIPT, IMG, HOVER, LINK, AUTOLINK, "</title><svg onload=alert(1)>", "<!-- x --><style>p{}</style>",
    "[x]: javascript:alert(1)\n\n[x]", "![i](javascript:alert(1))", "<a href='javascript:alert(1)'>a</a>",
    "&lt;script&gt;alert(1)&lt;/script&gt;", "```\n<script>x</script>\n```", "> <div onclick=x>q</div>",
    "1. <img src=x onerror=y>", "# <b onmouseover=x>t</b>", "\\<script>x</script>", "`<script>`x",
])
def test_md_text_is_inert_and_readable(payload: str):
    for escaped in (f"Said: {md_text(payload)}", md_line(payload), f"- **{md_text(payload)}** [1]"):
        assert "\n" not in escaped
        text = assert_inert(escaped)
        assert " ".join(payload.split()) in text  # what the reader sees is the text as written


def test_only_http_urls_become_links():
    assert md_url("https://example.org/a?b=1&c=2") == "<https://example.org/a?b=1&c=2>"
    for url in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>x</script>",
                "https://example.org/a b<script>", "vbscript:x", "http://x.org/>\"<img src=x onerror=y>"):
        rendered = md_url(url)
        assert not rendered.startswith("<")
        assert url in assert_inert(f"- {rendered}")
        elements, _ = render(f"- {rendered}")
        assert not [a for t, a in elements if t == "a"]


def test_control_characters_are_shown_not_obeyed():
    escaped = md_text("red \x1b[31mtext\x1b[0m and a bell\x07, a C1 \x9b31m and \u202eevil")
    assert "\x1b" not in escaped and "\x07" not in escaped and "\x9b" not in escaped and "\u202e" not in escaped
    assert "\\\\x1b" in escaped and "\\\\u202e" in escaped
    assert md_text("snake_case stays, _emphasis_ does not") == "snake_case stays, \\_emphasis\\_ does not"
