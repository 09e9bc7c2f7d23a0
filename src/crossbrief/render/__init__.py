"""Render a Brief: Markdown, JSON, self-contained HTML."""
