"""Write the extraction benchmark's pages: `bench/extraction/NN-SLUG.html` and `NN-SLUG.txt`.

    python bench/extraction_pages.py        # rewrites bench/extraction/ (deterministic)

Each article of `extraction_articles.py` (our own writing) is laid out as one of several made-up
news sites would: navigation, cookie banner, headline, byline and time stamp, share buttons,
photo captions (over the picture and again below it), "Scroll down for video", inline
advertisements, galleries with "k/N" counters, pull quotes, newsletter boxes, "Read more" links,
related-story lists, tags, comment sections and footers. The `.txt` beside each page is the
article body as a human annotator marks it (the Zyte benchmark's `articleBody`): paragraphs,
sub-headings, list items and quotations, without the title, byline, captions or any page noise.
"""

from __future__ import annotations

import html
import random
import re
from pathlib import Path

from extraction_articles import ARTICLES

OUT = Path(__file__).resolve().parent / "extraction"

SITES = [
    ("The Valley Courier", "valleycourier.example"),
    ("Eastbank Daily", "eastbank-daily.example"),
    ("Harbour Post", "harbourpost.example"),
    ("The Northern Ledger", "northernledger.example"),
    ("City Wire", "citywire.example"),
    ("Plains Herald", "plainsherald.example"),
]
REPORTERS = ["Jane Halloway", "Piotr Anand", "Sade Lindgren", "Marcus Oyelaran", "Rosa Kettering", "Ben Adair"]
OTHER_STORIES = [
    "Council to review parking fees in the old town",
    "Five things to do this weekend",
    "Ferry timetable changes from next month",
    "Opinion: Why our parks need more benches",
    "Weather: a dry week ahead, then rain",
    "Schools league tables published",
    "The best bakeries in the region, ranked",
    "Police appeal for witnesses after crash",
]
CAPTIONS = [
    "Crowds gathered outside the building on Monday morning",
    "The site as it looked before work began last year",
    "Officials speak to reporters after the meeting",
    "Residents watch from the street as crews arrive",
    "A view of the town from the hill above the river",
]


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def body_html(blocks: list[str]) -> list[str]:
    """The article's blocks as markup: paragraphs, sub-headings, lists, quotations."""
    out: list[str] = []
    items: list[str] = []
    for block in [*blocks, ""]:
        if block.startswith("- "):
            items.append(f"<li>{esc(block[2:])}</li>")
            continue
        if items:
            out.append("<ul>" + "".join(items) + "</ul>")
            items = []
        if not block:
            continue
        if block.startswith("## "):
            out.append(f"<h2>{esc(block[3:])}</h2>")
        elif block.startswith("> "):
            out.append(f"<blockquote><p>{esc(block[2:])}</p></blockquote>")
        elif block.isupper():
            out.append(f"<p><strong>{esc(block)}</strong></p>")
        else:
            out.append(f"<p>{esc(block)}</p>")
    return out


def truth(blocks: list[str]) -> str:
    return "\n\n".join(b[2:] if b.startswith(("- ", "> ")) else b[3:] if b.startswith("## ") else b
                       for b in blocks) + "\n"


def page(n: int, article: dict) -> str:
    rng = random.Random(n)
    site, host = SITES[n % len(SITES)]
    reporter = REPORTERS[(n * 5) % len(REPORTERS)]
    caption = CAPTIONS[n % len(CAPTIONS)]
    title = article["title"]
    body = body_html(article["body"])
    day = 1 + n % 27

    # Noise inside the article's container, where extractors are most tempted to keep it.
    inner: list[str] = []
    if n % 3 == 0:
        inner.append(f'<p class="byline">By {esc(reporter)}, Staff Reporter</p>')
    elif n % 3 == 1:
        inner.append(f'<div class="author">By <a href="/authors/{n}">{esc(reporter)}</a> and '
                     f'<a href="/authors/{n + 1}">{esc(REPORTERS[(n + 1) % 6])}</a></div>')
    else:
        inner.append(f'<p class="byline">{esc(reporter)} | {site}</p>')
    stamp = (f"Published: 09:{10 + n % 50:02d} EST, {day} March 2025 | Updated: 11:{n % 60:02d} EST, "
             f"{day} March 2025")
    inner.append(f'<p class="timestamp">{stamp}</p>')
    if n % 2 == 0:
        inner.append('<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a> '
                     '<a href="#">Email this article</a></div>')
    if n % 4 in (0, 1):
        inner.append(f'<figure><img src="/img/{n}.jpg" alt="{esc(caption)}"><figcaption>{esc(caption)}'
                     '</figcaption></figure>')
        if n % 4 == 0:  # the caption printed again, as some sites do, below the picture
            inner.append(f'<p class="caption">{esc(caption)}</p><p class="caption">{esc(caption)}</p>')
    if n % 5 == 0:
        inner.append("<p><strong>Scroll down for video</strong></p>")

    # Noise between the paragraphs.
    spliced = list(body)
    third = max(1, len(spliced) // 3)
    if n % 3 != 2:
        spliced.insert(third, '<div class="ad-slot"><span>Advertisement</span></div>')
    if n % 4 == 2:
        spliced.insert(third + 1, f'<p class="read-more">Read more: <a href="/news/{n + 7}">'
                                  f'{esc(OTHER_STORIES[n % 8])}</a></p>')
    if n % 6 == 1:
        spliced.insert(2 * third, '<p class="inline-promo">Story continues below advertisement</p>')
    if n % 5 == 3:
        spliced.insert(2 * third, '<aside class="newsletter"><p>Sign up for our morning newsletter</p>'
                                  '<form><input type="email" placeholder="Your email"><button>Subscribe'
                                  '</button></form></aside>')
    if n % 7 == 4:
        quote = next((b for b in article["body"] if b.startswith("“")), "")
        if quote:
            short = quote.split("”")[0].lstrip("“").strip()
            spliced.insert(third + 2, f'<blockquote class="pullquote"><p>{esc(short)}</p></blockquote>')
    if n % 8 == 5:
        slides = "".join(
            f'<div class="slide"><p>{k}/4 {esc(CAPTIONS[(n + k) % 5])}. Photo: {esc(REPORTERS[k])}</p></div>'
            for k in range(1, 5)
        )
        spliced.insert(2 * third, f'<div class="gallery"><p>In pictures: {esc(title[:40])}</p>{slides}</div>')
    if n % 9 == 7:
        spliced.insert(third, '<p class="credit">Photo: Harbour Post archive</p>')

    if n % 10 == 6:  # a key-points box above the story, repeating its first paragraphs
        points = "".join(f"<li>{esc(b.split(',')[0])}</li>" for b in article["body"][:3] if not b.startswith("#"))
        inner.append(f'<div class="key-points"><h3>Key points</h3><ul>{points}</ul></div>')
    if n % 7 == 2:
        inner.append('<div class="audio"><button>Listen to this article</button><span>4 min</span></div>')
    if n % 9 == 2:
        inner.append('<p class="credit">Getty Images</p>')
    if n % 8 == 3:
        spliced.insert(third + 1, f'<p><strong>RELATED: <a href="/news/{n + 3}">{esc(OTHER_STORIES[(n + 3) % 8])}'
                                  '</a></strong></p>')
    if n % 6 == 4:
        spliced.insert(2 * third + 1, '<blockquote class="twitter-tweet"><p>Queues all the way to the corner '
                                      'this morning. Never seen anything like it</p>&mdash; Local Watch '
                                      f'(@localwatch{n}) <a href="#">March {day}, 2025</a></blockquote>')
    tail: list[str] = []
    if n % 5 == 1:
        tail.append(f'<p class="bio"><em>{esc(reporter)} covers city hall and transport for {site}.</em></p>')
    if n % 6 == 0:
        tail.append(f"<p>Reporting by {esc(reporter)}; editing by {esc(REPORTERS[(n + 2) % 6])}</p>")
    if n % 2 == 1:
        tail.append("<p>Topics: " + ", ".join(esc(t) for t in ("Local news", "Transport", "Council")) + "</p>")
    if n % 3 == 0:
        tail.append(f'<p class="contact">Contact {esc(reporter)} at newsdesk@{host}</p>')

    comments = ""
    if n % 2 == 0:
        comments = (f'<section class="comments"><h3>{3 + n} comments</h3>'
                    '<p>Comments are closed on this story.</p>'
                    '<p>Views expressed in comments are those of our readers.</p>'
                    f'<div class="comment"><b>riverfan{n}</b><p>Took them long enough. Typical.</p></div>'
                    '</section>')
    related = "".join(f'<li><a href="/news/{n + k}">{esc(OTHER_STORIES[(n + k) % 8])}</a></li>' for k in range(4))
    nav = "".join(f'<li><a href="/{s.lower()}">{s}</a></li>' for s in
                  ("Home", "News", "Sport", "Business", "Opinion", "Culture", "Weather"))
    extras = inner[2:]
    rng.shuffle(extras)  # the order of share buttons, figures and banners varies by page
    inner[2:] = extras
    if n % 4 == 3:
        spliced = [re.sub(r"^<p>(.*)</p>$", r"<div class=\"para\">\1</div>", b) for b in spliced]
    container_open, container_close = [
        ('<article class="story">', "</article>"),
        ('<div class="article-body" itemprop="articleBody">', "</div>"),
        ('<main><div id="story">', "</div></main>"),
    ][n % 3]
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{esc(title)} | {site}</title>
<meta property="og:title" content="{esc(title)}">
<meta property="og:site_name" content="{site}">
<meta name="author" content="{esc(reporter)}">
<meta property="article:published_time" content="2025-03-{day:02d}T09:00:00Z">
<link rel="canonical" href="https://{host}/news/2025/03/{article['slug']}">
<script>window.dataLayer = window.dataLayer || []; dataLayer.push({{"page": "article"}});</script>
<style>.ad-slot{{min-height:250px}}</style>
</head>
<body>
<div id="cookie-banner"><p>We use cookies to improve your experience and to show you personalised
advertising. By continuing to browse you accept our cookie policy.</p><button>Accept all</button>
<button>Manage settings</button></div>
<header><a class="logo" href="/">{site}</a><nav><ul>{nav}</ul></nav>
<form class="search"><input name="q" placeholder="Search"></form><a href="/subscribe">Subscribe</a></header>
<div class="breaking">Breaking news: live updates from the council meeting</div>
{container_open}
<h1>{esc(title)}</h1>
{chr(10).join(inner)}
{chr(10).join(spliced)}
{chr(10).join(tail)}
{container_close}
<aside class="related"><h3>Related stories</h3><ul>{related}</ul></aside>
{comments}
<aside class="most-read"><h3>Most read</h3><ol>{related}</ol></aside>
<footer><p>&copy; 2025 {site}. All rights reserved.</p><ul><li><a href="/about">About us</a></li>
<li><a href="/contact">Contact</a></li><li><a href="/privacy">Privacy policy</a></li>
<li><a href="/terms">Terms of use</a></li></ul></footer>
</body>
</html>
"""


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.html"):
        old.unlink()
    for old in OUT.glob("*.txt"):
        old.unlink()
    for n, article in enumerate(ARTICLES, 1):
        stem = f"{n:02d}-{article['slug']}"
        (OUT / f"{stem}.html").write_text(page(n, article), encoding="utf-8")
        (OUT / f"{stem}.txt").write_text(truth(article["body"]), encoding="utf-8")
    print(f"wrote {len(ARTICLES)} pages to {OUT}")


if __name__ == "__main__":
    main()
