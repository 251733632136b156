"""The form token, the device cookies and the random ids behind them."""

from __future__ import annotations

import time

import pytest

from survey.tokens import (
    FormTokenError,
    FormTokenExpired,
    Tokens,
    is_client_id,
    is_submission_id,
    new_client_id,
    new_submission_id,
)

SECRET = b"s" * 64


@pytest.fixture
def tokens() -> Tokens:
    return Tokens(SECRET)


def test_form_token_round_trip_keeps_every_field(tokens):
    cid = new_client_id()
    token = tokens.read_form_token(tokens.form_token(7, "a" * 32, cid, live_until=1_900_000_000.9, issued=1234), cid,
                                   max_age=10**10)
    assert (token.link_id, token.submission_id, token.live_until, token.issued) == (7, "a" * 32, 1_900_000_000, 1234)


@pytest.mark.parametrize("field", range(5))
def test_a_changed_field_breaks_the_signature(tokens, field):
    cid = new_client_id()
    parts = tokens.form_token(7, "a" * 32, cid).split(".")
    parts[field] = parts[field][:-1] + ("1" if parts[field][-1] != "1" else "2")
    with pytest.raises(FormTokenError):
        tokens.read_form_token(".".join(parts), cid)


def test_the_token_belongs_to_the_browser_it_was_made_for(tokens):
    # Double submit: another site can make a browser post, but cannot read its cookie.
    token = tokens.form_token(7, "a" * 32, new_client_id())
    with pytest.raises(FormTokenError):
        tokens.read_form_token(token, new_client_id())


@pytest.mark.parametrize("bad", ["", "x" * 301, "no dots", "1.2.3.4.5.6", "1.a.b.0.Ω", "\x00.\x00", "....."])
def test_malformed_tokens_are_refused_not_crashed_on(tokens, bad):
    with pytest.raises(FormTokenError):
        tokens.read_form_token(bad, new_client_id())


def test_another_secret_cannot_forge_a_token(tokens):
    cid = new_client_id()
    forged = Tokens(b"t" * 64).form_token(7, "a" * 32, cid)
    with pytest.raises(FormTokenError):
        tokens.read_form_token(forged, cid)


def test_old_tokens_expire(tokens):
    cid = new_client_id()
    old = tokens.form_token(7, "a" * 32, cid, issued=time.time() - 3600)
    assert tokens.read_form_token(old, cid, max_age=7200).link_id == 7
    with pytest.raises(FormTokenExpired):
        tokens.read_form_token(old, cid, max_age=1800)


def test_done_cookie_names_its_link_and_cannot_be_forged(tokens):
    value = tokens.done_cookie_value(7)
    assert tokens.is_done(7, value)
    assert not tokens.is_done(8, value)
    assert not tokens.is_done(7, Tokens(b"t" * 64).done_cookie_value(7))
    assert not tokens.is_done(7, None) and not tokens.is_done(7, "7.") and not tokens.is_done(7, "Ω")


def test_ids_are_fresh_well_formed_and_never_repeat():
    sids = {new_submission_id() for _ in range(5000)}
    cids = {new_client_id() for _ in range(5000)}
    assert len(sids) == 5000 and all(is_submission_id(s) for s in sids)
    assert len(cids) == 5000 and all(is_client_id(c) and len(c) == 22 for c in cids)
    assert not is_client_id("a.b" * 8) and not is_client_id("short") and not is_client_id("x" * 41)
    assert not is_submission_id("A" * 32) and not is_submission_id("a" * 31)
