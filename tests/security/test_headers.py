"""Response headers on every kind of page: CSP, nosniff, referrer policy; cookies HttpOnly and SameSite."""

from __future__ import annotations

import re

from tests.survey.conftest import open_form


def _check(response) -> None:
    h = response.headers
    csp = h.get("Content-Security-Policy", "")
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "unsafe" not in csp
    # The only script allowed is the form's own counter, by its hash.
    assert re.search(r"script-src 'sha256-[A-Za-z0-9+/=]+';", csp)
    assert h.get("X-Content-Type-Options") == "nosniff"
    assert h.get("Referrer-Policy") == "no-referrer"
    for cookie in h.getlist("Set-Cookie"):
        lower = cookie.lower()
        assert "httponly" in lower and "samesite=lax" in lower, cookie


def test_headers_on_every_page(app, client, scene):
    first = app.test_client().get(scene.url)
    fields = open_form(client, scene.url)
    pages = [first, client.get("/healthz"), client.get("/s/" + "x" * 30), client.get("/nope"),
             client.put(scene.url), client.get(f"{scene.url}/thanks")]
    done = client.post(scene.url, data={**fields, "activity": str(scene.activity_ids[0]), "score": "5"},
                       content_type="multipart/form-data")
    assert done.status_code == 303
    pages += [done, client.get(scene.url), client.post(scene.url, data={"score": "9"})]
    for response in pages:
        _check(response)
    assert any("zd_cid" in c for c in pages[0].headers.getlist("Set-Cookie"))
    assert any("zd_done_" in c for c in done.headers.getlist("Set-Cookie"))


def test_cookies_are_secure_behind_https(make_app, scene):
    app = make_app(TRUSTED_PROXIES=1)
    client = app.test_client()
    response = client.get(scene.url, headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in c for c in cookies)
