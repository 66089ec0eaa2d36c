"""The web site and JSON API: `create_app(WebSettings(db=...))`."""

from docfinder.web.app import create_app
from docfinder.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
