"""The yardstick of bench_survey.py: a bare hello-world Flask app, served exactly like the survey."""

from __future__ import annotations

from flask import Flask, request


def create_hello() -> Flask:
    app = Flask(__name__)

    @app.route("/", methods=["GET", "POST"])
    def hello():
        if request.method == "POST":
            _ = request.form  # parse the same body the survey parses
        return "hello"

    return app
