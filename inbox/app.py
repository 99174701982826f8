"""The Flask application factory."""

from __future__ import annotations

from flask import Flask

from inbox.config import Settings, load_settings


def create_app(settings: Settings | None = None) -> Flask:
    """Build the application from validated settings (default: read ``SVARFRIST_CONFIG``)."""
    app = Flask(__name__, static_folder="../static", template_folder="../templates")
    app.extensions["svarfrist"] = settings or load_settings()
    return app
