"""A brief as one self-contained HTML page (templates/brief.html and templates/facts.html).

Every piece of article-derived text is escaped (Jinja2 autoescape; nothing is marked safe) and
the page has no external assets: styles are inline, and links point only at the sources' own
URLs. Citation links go to the source list, numbered in the order of `Brief.articles`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from crossbrief.model import Brief
from crossbrief.render.common import LABEL_NAMES, SourceNumbers, headline, quotes_by_speaker, removal_counts

if TYPE_CHECKING:
    import jinja2


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    import jinja2  # only when a page is rendered: it costs start-up time for every other command

    return jinja2.Environment(
        loader=jinja2.PackageLoader("crossbrief.render", "templates"),
        autoescape=True,  # every article-derived string is escaped
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,  # a misspelt field fails loudly instead of rendering ""
    )


def to_html(brief: Brief) -> str:
    numbers = SourceNumbers(brief.articles)
    facts = brief.facts
    return _environment().get_template("brief.html").render(
        brief=brief,
        headline=headline(brief),
        removal_counts=removal_counts,
        facts=facts,
        speakers=quotes_by_speaker(facts.quotes, numbers) if facts is not None else [],
        source_number=numbers,  # article id -> its source number
        label=numbers.label,  # article id -> outlet name
        in_order=numbers.in_order,  # article ids -> distinct, by source number
        label_names=LABEL_NAMES,
    )
