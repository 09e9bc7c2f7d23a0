"""What a story is called, and its dates, for people: shared by `crossbrief stories` and the store."""

from __future__ import annotations

from datetime import date

import numpy as np

from crossbrief.stories.group import Story, StoryGrouper

LABEL_WORDS = 14


def day_iso(day: int | None) -> str | None:
    """An ordinal day (date.toordinal) as an ISO date, or None."""
    return date.fromordinal(day).isoformat() if day is not None else None


def label_of(story: Story, grouper: StoryGrouper) -> str:
    """A short headline-like phrase from the story's own text: the title (else the opening
    sentence, cut to LABEL_WORDS words) of the member nearest the story's centroid."""
    members = [grouper.signatures[m] for m in story.members]
    originals = [s for s in members if not grouper.assignments[s.id].copy_of] or members
    if story.vector_sum is not None and len(originals) > 1:
        scores = [float(s.vector @ story.vector_sum) for s in originals]
        central = originals[int(np.argmax(scores))]
    else:
        central = originals[0]
    titled = central if central.title else next((s for s in originals if s.title), central)
    text = (titled.title or titled.lead).strip().rstrip(".")
    words = text.split()
    return " ".join(words[:LABEL_WORDS]) + ("…" if len(words) > LABEL_WORDS else "")
