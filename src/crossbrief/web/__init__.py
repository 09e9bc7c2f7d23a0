"""The web app over a store: `create_app(WebSettings(db=...))`, run by `crossbrief serve` (docs/web.md)."""

from crossbrief.web.app import WebSettings, create_app

__all__ = ["WebSettings", "create_app"]
