"""A lecture hall behind one address: hundreds of phones, each its own cookies, rating within a minute
against a server with default settings (flood guard and form age on). None is refused."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

pytestmark = [pytest.mark.stress, pytest.mark.e2e]

PHONES = 600
HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')


def test_a_hall_of_600_phones_behind_one_address_is_all_stored(serve, db_url, engine, load_scene):
    # The defaults, not the test servers' shortcut: a form must be 3 s old before it is posted.
    server = serve(db_url, extra_env={"ZHUDIAN_MIN_FORM_SECONDS": "3"})
    url = f"{server.url}/s/{load_scene.token}"
    phones = [requests.Session() for _ in range(PHONES)]
    began = time.monotonic()

    def open_form(phone: requests.Session) -> dict[str, str]:
        page = phone.get(url, timeout=30)
        assert page.status_code == 200
        return dict(HIDDEN.findall(page.text))

    def rate(phone: requests.Session, hidden: dict[str, str]) -> int:
        return phone.post(url, data={**hidden, "activity": str(load_scene.activity_id), "score": "5",
                                     "suggestion": "讲得很好"}, files={"photo": ("", b"")},
                          allow_redirects=False, timeout=30).status_code

    with ThreadPoolExecutor(20) as pool:
        forms = list(pool.map(open_form, phones))
        time.sleep(3.2)  # the members read and answer: every form is now older than its minimum age
        statuses = list(pool.map(rate, phones, forms))
    assert time.monotonic() - began < 60, "the hall took longer than a minute: slow machine, not a refusal"
    assert statuses == [303] * PHONES
    with engine.connect() as conn:
        from sqlalchemy import func, select

        from models.tables import Rating

        assert conn.execute(select(func.count()).select_from(Rating)).scalar_one() == PHONES
