"""The yardstick of bench_survey.py: a bare hello-world Flask app, served exactly like the survey.

"Served the same way" includes the deployment's proxy trust: with ``ZHUDIAN_TRUSTED_PROXIES`` set
(the bench sets it so each simulated phone has its own address), the hello app sits behind the same
``ProxyFix`` middleware as the survey.
"""

from __future__ import annotations

import os

from flask import Flask, request


def create_hello() -> Flask:
    app = Flask(__name__)

    @app.route("/", methods=["GET", "POST"])
    def hello():
        if request.method == "POST":
            _ = request.form  # parse the same body the survey parses
        return "hello"

    proxies = int(os.environ.get("ZHUDIAN_TRUSTED_PROXIES", "0") or 0)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    return app
