"""What the field pages share: their URLs under the public path, page rendering, the refusal pages,
the signed-in check, and reading posted numbers and dates."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import wraps
from typing import Any

from flask import Response, make_response, render_template, request
from sqlalchemy.exc import IntegrityError

from models.field import stored_submission
from models.tables import Cadre, FieldSubmission
from models.text import clean_text
from survey import cadres
from survey.db import get_session
from survey.views import base_path

REFUSED = {
    "unknown": ("🔒", "链接无效", ["这个驻点干部链接不存在或不完整，请向统筹人员重新索取。"]),
    "revoked": ("🔒", "链接已停用", ["这个驻点干部链接已被统筹人员停用，请联系统筹人员重新发放。"]),
    "expired": ("⌛", "链接已过期", ["这个驻点干部链接已超过有效期，请联系统筹人员重新发放。"]),
}


def url(path: str) -> str:
    return f"{base_path()}/c{path}"


def page(template: str, status: int = 200, **values: Any) -> Response:
    response = make_response(render_template(f"field/{template}", url=url, **values), status)
    response.headers["Cache-Control"] = "no-store"
    return response


def refused(state: str) -> Response:
    icon, title, lines = REFUSED[state]
    response = make_response(render_template("message.html", icon=icon, title=title, lines=lines, info=None), 403)
    response.headers["Cache-Control"] = "no-store"
    return response


def signed_in(view: Callable[..., Response]) -> Callable[..., Response]:
    """The view with the cadre of this phone's link, or the page saying why there is none."""
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        link, state = cadres.current_link()
        if state != "ok":
            return refused(state)
        return view(get_session().get(Cadre, link.cadre_id), *args, **kwargs)
    return wrapper


def form_int(name: str) -> int | None:
    value = request.form.get(name, "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 7 else None


def form_date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.form.get(name, "").strip())
    except ValueError:
        return None


def form_text(name: str, limit: int, *, multiline: bool = False) -> str:
    """A posted text field through the one cleaner (``models.text.clean_text``), cut to ``limit``."""
    return clean_text(request.form.get(name, ""), multiline=multiline)[:limit]


class Once:
    """What :func:`stored_once` found: the same form's stored submission, if another post of it won."""

    done: FieldSubmission | None = None


@contextmanager
def stored_once(session: Any) -> Iterator[Once]:
    """Write a field form's record in the block and commit it, once however often the form is posted.

    A double tap on a slow network posts one form several times at once: all but one lose the race
    on the submission id's primary key (or on the record's own unique key). Their writes are rolled
    back and ``once.done`` names the stored one, so each answers with its page, as a retry would.
    """
    once = Once()
    try:
        yield once
        session.commit()
    except IntegrityError:
        session.rollback()
        once.done = stored_submission(session, request.form.get("sid", ""))
        if once.done is None:
            raise
