"""The web app over a store: `create_app(WebSettings(db=...))`, run by `crossbrief serve`
through `server_config` (docs/web.md)."""

from crossbrief.web.app import WebSettings, create_app
from crossbrief.web.server import server_config

__all__ = ["WebSettings", "create_app", "server_config"]
