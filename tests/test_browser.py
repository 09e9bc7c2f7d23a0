"""The HTML brief in a real headless browser: it renders, links work, article text cannot script."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from crossbrief.pipeline import brief
from crossbrief.render import to_html

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no headless Chromium installed")

PAYLOAD = '<img src=x onerror="document.body.setAttribute(\'data-pwned\', \'yes\')">'
ARTICLES = {
    "a.txt": "https://gazette.example/fire\nWarehouse fire in Dunmore - The Gazette\nApril 7, 2025\n"
    "A fire destroyed a timber warehouse in the port of Dunmore on Monday night, the fire service said. "
    f"Firefighters fought the blaze {PAYLOAD} for six hours and nobody was hurt.\n",
    "b.txt": "Flames tore through a warehouse full of timber at Dunmore port on Monday night, fire officials said. "
    "Crews fought the fire for six hours and no injuries were reported.\n",
    "c.json": '{"text": "A timber warehouse at Dunmore port burned down on Monday night, the fire service said. '
    'The blaze took six hours to put out.", "outlet": "Port News", "url": "https://portnews.example/x"}',
}


def dump_dom(html_file: Path, profile: Path) -> str:
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--virtual-time-budget=2000", "--dump-dom", html_file.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_html_brief_renders_in_chromium_and_article_html_stays_text(tmp_path: Path):
    for name, text in ARTICLES.items():
        (tmp_path / name).write_text(text)
    result = brief([str(tmp_path / n) for n in sorted(ARTICLES)], words=60, facts=False)
    page = tmp_path / "brief.html"
    page.write_text(to_html(result))
    dom = dump_dom(page, tmp_path / "profile")
    assert 'data-pwned="yes"' not in dom  # the payload was shown as text, never run
    assert "<img" not in dom and "&lt;img src=x" in dom
    assert "<h2>Summary</h2>" in dom and 'id="source-3"' in dom
    assert dom.count('class="cite"') >= 2  # citation links to the source list
    assert result.summary[0].text.split("<")[0][:40] in dom.replace("&lt;", "<")
