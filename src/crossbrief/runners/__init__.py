"""Runners over many inputs: JSONL clusters, batch summarisation in worker processes."""
