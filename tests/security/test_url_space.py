"""Nothing guessable lists links or ratings: no index or listing endpoint, no sequential ids, only the
routes the member's form needs. Probed on the running server and on the app's own route table."""

from __future__ import annotations

import pytest
import requests

from tests import factories

pytestmark = pytest.mark.e2e

EXPECTED_ROUTES = {"/healthz", "/favicon.ico", "/s/<token>", "/l/<code>", "/s/<token>/thanks",
                   "/static/<path:filename>",
                   # The cadres' field pages: each one needs the cookie a personal link sets (tests/survey/test_field.py).
                   "/c/k/<token>", "/c/", "/c/visit", "/c/visit/<int:visit_id>", "/c/visit/<int:visit_id>/session",
                   "/c/session/<int:session_id>", "/c/session/<int:session_id>/check", "/c/lecture",
                   # The leaders' read-only pages: each one needs the cookie a leader's link sets (tests/survey/test_leaders.py).
                   "/ld/k/<token>", "/ld/", "/ld/map", "/ld/breaches", "/ld/ranking", "/ld/suggestions",
                   "/ld/score/<kind>/<int:ident>", "/ld/score/<kind>/<int:ident>/<key>"}

PROBES = ["/", "/s", "/s/", "/l", "/l/", "/admin", "/admin/", "/api", "/api/links", "/api/ratings", "/links",
          "/ratings", "/export", "/export.csv", "/s/index", "/s/list", "/s/*", "/s/%25", "/static/", "/static",
          "/static/../survey/app.py", "/static/..%2fapp.py", "/static/%2e%2e/app.py", "/.git/config", "/.env",
          "/robots.txt", "/sitemap.xml", "/debug", "/console", "/server-status",
          "/photo/1", "/photos/1", "/p/1", "/r/1", "/rating/1", "/thanks"]


def test_route_table_has_no_listing(app):
    routes = {rule.rule for rule in app.url_map.iter_rules()}
    assert routes == EXPECTED_ROUTES


def test_running_server_lists_nothing(serve, db_url, engine, scene):
    server = serve(db_url)
    from sqlmodel import Session

    with Session(engine) as session:
        b = factories.branch(session, "清城区", "第二个团支部")
        second = factories.survey_link(session, b)
        session.commit()
        tokens = [scene.token, second.token]
        ids = [scene.link_id, second.id, scene.branch_id, b.id]
    probes = PROBES + [f"/s/{n}" for n in (*ids, 0, -1, 999)] + [f"/l/{n}" for n in ids] + [
        f"/s/{n}/thanks" for n in ids] + [f"/s/{scene.token[:-1]}", f"/s/{scene.token[:8]}", f"/s/{scene.token}x",
                                          f"/s/{scene.token.upper()}"]
    for path in probes:
        response = requests.get(server.url + path, timeout=10, allow_redirects=False)
        assert response.status_code in (404, 405, 204), (path, response.status_code)
        body = response.text
        for token in tokens:
            assert token not in body, path
        assert "第二个团支部" not in body and scene.branch_name not in body, path
        assert "Index of" not in body and "Traceback" not in body
    # The two genuine links still work: the probes above were refused, not broken.
    for token in tokens:
        assert requests.get(f"{server.url}/s/{token}", timeout=10).status_code == 200
