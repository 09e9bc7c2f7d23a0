"""The store: articles, feeds, stories and briefs in one SQLite file (docs/store.md).

db (the `Store` API) -> schema (numbered migrations) -> ingest (`crossbrief ingest`).
"""

from crossbrief.store.db import DEFAULT_DB, FeedRow, Member, SearchHit, Store, StoredBrief, StoryRow

__all__ = ["DEFAULT_DB", "FeedRow", "Member", "SearchHit", "Store", "StoredBrief", "StoryRow"]
