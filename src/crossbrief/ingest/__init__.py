"""Ingest: files, folders, standard input and URLs -> Articles (or one-line Problems)."""
