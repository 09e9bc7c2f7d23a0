"""Per-article stages: clean -> segment -> analyse."""
