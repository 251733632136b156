"""Fixtures for the survey room: the Flask app on the test database, a client, a branch with a link."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, func, select

from models.tables import Rating
from survey.app import create_app
from tests import factories


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    return tmp_path / "secret" / "survey_secret.key"


@pytest.fixture
def make_app(db_url: str, secret_file: Path) -> Iterator:
    apps: list[Flask] = []

    def make(**config) -> Flask:
        app = create_app({"TESTING": True, "DATABASE_URL": db_url, "SECRET_FILE": str(secret_file),
                          "RATE_LIMIT_POST": 1000, "MIN_FORM_SECONDS": 0, "LINK_CACHE_SECONDS": 0, **config})
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["zhudian.engine"].dispose()


@pytest.fixture
def app(make_app) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@dataclass
class Scene:
    branch_id: int
    branch_name: str
    token: str
    link_id: int
    activity_ids: list[int]
    other_branch_activity_id: int

    @property
    def url(self) -> str:
        return f"/s/{self.token}"


@pytest.fixture
def scene(session: Session) -> Scene:
    b = factories.branch(session, "梅江区", "梅江区江南街道团工委机关团支部")
    acts = [factories.activity(session, b, "五四主题团日", date(2019, 5, 4)),
            factories.activity(session, b, "青年大学习分享会", date(2019, 6, 1))]
    other = factories.branch(session, "梅江区")
    other_act = factories.activity(session, other, "别的支部的活动")
    link = factories.survey_link(session, b)
    session.commit()
    return Scene(b.id, b.name, link.token, link.id, [a.id for a in acts], other_act.id)


HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')


def hidden_fields(html: str) -> dict[str, str]:
    return dict(HIDDEN.findall(html))


def open_form(client: FlaskClient, url: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return hidden_fields(response.get_data(as_text=True))


def submit(client: FlaskClient, url: str, fields: dict | None = None, *, form_url: str | None = None, **data):
    """Open the form (at ``form_url``, default ``url``) and post ``data`` with its hidden fields."""
    hidden = fields if fields is not None else open_form(client, form_url or url)
    return client.post(url, data={**hidden, **data}, content_type="multipart/form-data")


def rating_count(session: Session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(Rating)).one()


def ratings(session: Session) -> list[Rating]:
    session.expire_all()
    return list(session.exec(select(Rating).order_by(Rating.id)))
