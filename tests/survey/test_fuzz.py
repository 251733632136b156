"""Whatever a client posts, the member gets a page, never a server error, and nothing half-written."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.survey.conftest import open_form, rating_count
from tests.survey.test_photos_and_limits import png_claiming

text = st.text(alphabet=st.characters(codec="utf-8"), max_size=700)
field_value = st.one_of(st.sampled_from(["", "0", "1", "5", "6", "-1", "abc", "other", "9" * 40]), text)
form_data = st.fixed_dictionaries({}, optional={
    "activity": field_value, "activity_other": field_value, "score": field_value, "suggestion": text,
    "website": st.sampled_from(["", "x"]), "sid": field_value, "ft": field_value,
})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=form_data, keep_hidden=st.booleans())
def test_random_posts_never_fail(app, scene, session, data, keep_hidden):
    client = app.test_client()  # a new phone for every example
    hidden = open_form(client, scene.url) if keep_hidden else {}
    if keep_hidden and data.get("activity") == "1":
        data["activity"] = str(scene.activity_ids[0])
    before = rating_count(session)
    response = client.post(scene.url, data={**hidden, **data})
    assert response.status_code in (303, 422), response.status_code
    stored = rating_count(session) - before
    assert stored in (0, 1)
    if stored:
        assert response.status_code == 303


def test_bomb_through_the_form_keeps_the_answer(client, scene, session):
    response = client.post(scene.url, data={**open_form(client, scene.url), "score": "4", "suggestion": "炸弹",
                                            "activity": str(scene.activity_ids[0]),
                                            "photo": (io.BytesIO(png_claiming(30000, 30000)), "a.png")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "尺寸过大" in html and "炸弹</textarea>" in html
    assert rating_count(session) == 0
