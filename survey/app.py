"""The survey application factory (flaskr style): ``create_app(test_config)``.

Configuration (``app.config``, each with a ``ZHUDIAN_*`` environment default):

- ``DATABASE_URL``: the database (default: ``models.db.resolve_url()``).
- ``SECRET_FILE``: the survey secret (default: ``survey_secret.key`` in the data directory).
- ``PUBLIC_URL``: the address members reach the server at (used in QR codes).
- ``RATE_LIMIT_POST``: the flood guard, POSTs per address, link and minute (0 turns it off; see ``survey.limits``).
- ``MIN_FORM_SECONDS``: how long a form must have been open before it is posted (a script posts at once).
- ``LIVE_FORM_MINUTES`` / ``LIVE_GRACE_MINUTES``: how long a live-QR form stays valid, and how old a
  live code may be when scanned.
- ``LINK_CACHE_SECONDS``: how long each worker keeps a link's branch and activities (0: off).
- ``TRUSTED_PROXIES``: how many reverse proxies in front set ``X-Forwarded-For`` (0: none).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
from importlib import resources
from pathlib import Path
from typing import Any

from flask import Flask, Response, request
from markupsafe import Markup
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from models.db import make_engine, resolve_url
from models.secret import load_secret
from survey import pages
from survey.db import close_session, make_write_lock
from survey.tokens import Tokens

# A body over MAX_BODY cannot hold a photo we take (5 MB): the form comes back with its text kept and
# the photo refused. A lecture file (20 MB) fits below HARD_MAX_BODY; over it the server refuses the
# request without reading it (waitress answers 413 before the app sees it).
MAX_BODY = 8 * 1024 * 1024
HARD_MAX_BODY = 32 * 1024 * 1024
# werkzeug's multipart parser reads the body in 64 KB chunks and holds each chunk, plus up to a
# boundary's length held back from the previous one, in one buffer that MAX_FORM_MEMORY_SIZE caps,
# file parts included. A cap equal to the chunk refused most real photos (a CR or LF near a chunk's
# end); twice the chunk leaves room for any boundary a browser sends (RFC 2046: at most 70 bytes).
MULTIPART_CHUNK = 64 * 1024
FORM_MEMORY = 2 * MULTIPART_CHUNK


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def _stylesheet() -> str:
    return _static("form.css")


def _static(name: str) -> str:
    return resources.files("survey").joinpath("static", name).read_text(encoding="utf-8").strip()


def _one_line(record: logging.LogRecord) -> bool:
    """The pool's "exception during reset" while the database is down: one log line, no traceback.

    The request itself already answered with the busy page; a traceback per dropped connection would
    bury the log during an outage.
    """
    if record.exc_info:
        record.msg = f"{record.getMessage()}: {record.exc_info[1]}"
        record.args = ()
        record.exc_info = None
        record.exc_text = None
    return True


# Logger filters only see records of their own logger, so name the pools' loggers themselves.
for _name in ("sqlalchemy.pool", "sqlalchemy.pool.impl.QueuePool", "sqlalchemy.pool.impl.NullPool",
              "sqlalchemy.pool.base"):
    logging.getLogger(_name).addFilter(_one_line)


class SecurityHeaders:
    """WSGI middleware adding fixed headers to every response, error pages included.

    At the WSGI level it is a list append per response, where an ``after_request`` hook set them
    one by one on every response object.
    """

    def __init__(self, app: Any, headers: list[tuple[str, str]]) -> None:
        self.app = app
        self.headers = headers

    def __call__(self, environ: dict, start_response: Any) -> Any:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers.extend(self.headers)
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(
        DATABASE_URL=None,
        SECRET_FILE=None,
        PUBLIC_URL=os.environ.get("ZHUDIAN_PUBLIC_URL", ""),
        RATE_LIMIT_POST=_env_int("ZHUDIAN_RATE_LIMIT_POST", 1200),
        MIN_FORM_SECONDS=_env_int("ZHUDIAN_MIN_FORM_SECONDS", 3),
        LIVE_FORM_MINUTES=_env_int("ZHUDIAN_LIVE_FORM_MINUTES", 15),
        LIVE_GRACE_MINUTES=_env_int("ZHUDIAN_LIVE_GRACE_MINUTES", 2),
        TRUSTED_PROXIES=_env_int("ZHUDIAN_TRUSTED_PROXIES", 0),
        LINK_CACHE_SECONDS=_env_int("ZHUDIAN_LINK_CACHE_SECONDS", 10),
        MAX_CONTENT_LENGTH=HARD_MAX_BODY,
        PHOTO_BODY_LIMIT=MAX_BODY,
        MAX_FORM_MEMORY_SIZE=FORM_MEMORY,  # also each text field's cap: a suggestion is 500 characters
        MAX_FORM_PARTS=50,
    )
    if test_config:
        app.config.update(test_config)

    engine = make_engine(app.config["DATABASE_URL"] or resolve_url())
    app.extensions["zhudian.engine"] = engine
    app.extensions["zhudian.write_lock"] = make_write_lock(engine)
    secret_file = app.config["SECRET_FILE"]
    secret = load_secret(Path(secret_file) if secret_file else None)
    app.extensions["zhudian.secret"] = secret
    app.extensions["zhudian.tokens"] = Tokens(secret)

    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    # The stylesheet is inlined (one request on a weak network) and allowed by its hash alone.
    css = _stylesheet()
    css_hash = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    # The form's character counter (progressive enhancement) likewise: inlined, allowed by its hash.
    counter_js = _static("counter.js")
    js_hash = base64.b64encode(hashlib.sha256(counter_js.encode()).digest()).decode()
    csp = ("default-src 'none'; img-src 'self' data:; "
           f"style-src 'sha256-{css_hash}'; script-src 'sha256-{js_hash}'; form-action 'self'; "
           "frame-ancestors 'none'; base-uri 'none'")
    app.jinja_env.globals["css"] = Markup(css)  # our own file, inlined byte for byte
    app.jinja_env.globals["counter_js"] = Markup(counter_js)

    from survey.field import bp as field_bp
    from survey.leaders import bp as leaders_bp
    from survey.views import bp, form_path

    app.register_blueprint(bp)
    app.register_blueprint(field_bp)
    app.register_blueprint(leaders_bp)
    app.teardown_appcontext(close_session)

    app.wsgi_app = SecurityHeaders(app.wsgi_app, [  # type: ignore[method-assign]
        ("Content-Security-Policy", csp),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),  # the link's token must not leak to other sites
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ])

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        return pages.error_page(exc.code or 400)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeout)
    def database_unavailable(exc: Exception) -> Response:
        # The database went away (PostgreSQL restarting, network, a locked SQLite file): a 503 the
        # member can act on, with their answer kept, never a 500. Workers reconnect by themselves.
        app.logger.warning("database unavailable: %s", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        if request.method == "POST" and request.endpoint == "survey.form":
            try:
                answer = pages.keep_answer(request.form, any(f.filename for f in request.files.getlist("photo")))
            except Exception:  # noqa: BLE001 (a body that cannot be read again: the plain page)
                answer = None
            return pages.busy_page(answer, form_path((request.view_args or {}).get("token", "")))
        return pages.busy_page()

    @app.errorhandler(Exception)
    def server_error(exc: Exception) -> Response:
        app.logger.exception("unhandled error", exc_info=exc)
        return pages.error_page(500)

    return app
