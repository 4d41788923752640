"""The Linked Open Data server (Flask app factory)."""

from __future__ import annotations

from flask import Flask

from planlod.config import Settings


def create_app(settings: Settings | None = None) -> Flask:
    app = Flask(__name__)
    app.config["PLANLOD"] = settings or Settings.from_env()

    @app.get("/")
    def home() -> str:
        return "planlod"

    return app
