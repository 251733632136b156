"""The form token, the device cookies and the random ids behind them."""

from __future__ import annotations

import hmac
import os
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey import tokens as tokens_module
from survey.keys import Mac
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
    token = tokens.read_form_token(tokens.form_token(7, "a" * 32, cid, live_until=1_900_000_000.9))
    assert (token.link_id, token.submission_id, token.client_id, token.live_until) == (7, "a" * 32, cid, 1_900_000_000)


@pytest.mark.parametrize("field", range(5))
def test_a_changed_field_breaks_the_signature(tokens, field):
    parts = tokens.form_token(7, "a" * 32, new_client_id()).split(".")
    parts[field] = parts[field][:-1] + ("1" if parts[field][-1] != "1" else "2")
    with pytest.raises(FormTokenError):
        tokens.read_form_token(".".join(parts))


@pytest.mark.parametrize("bad", ["", "x" * 301, "no dots", "1.2.3.4.5.6", "1.a.b.0.0.Ω", "\x00.\x00", "....."])
def test_malformed_tokens_are_refused_not_crashed_on(tokens, bad):
    with pytest.raises(FormTokenError):
        tokens.read_form_token(bad)


def test_another_secret_cannot_forge_a_token(tokens):
    forged = Tokens(b"t" * 64).form_token(7, "a" * 32, new_client_id())
    with pytest.raises(FormTokenError):
        tokens.read_form_token(forged)


def test_old_tokens_expire(tokens):
    old = tokens.form_token(7, "a" * 32, new_client_id(), issued=time.time() - 3600)
    assert tokens.read_form_token(old, max_age=7200).link_id == 7
    with pytest.raises(FormTokenExpired):
        tokens.read_form_token(old, max_age=1800)


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


def test_a_forked_process_draws_new_random_bytes():
    pool = tokens_module._RandomPool(size=64)
    parent = pool.take(16)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next bytes must not be the parent's next ones
        os.write(write, pool.take(16))
        os._exit(0)
    os.waitpid(pid, 0)
    child = os.read(read, 16)
    assert len(child) == 16 and child != pool.take(16) and child != parent


def test_threads_never_share_bytes():
    import threading

    pool = tokens_module._RandomPool(size=64)
    taken: list[bytes] = []

    def draw() -> None:
        got = [pool.take(16) for _ in range(200)]
        taken.extend(got)

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(taken) == 800 and len(set(taken)) == 800


@given(key=st.binary(max_size=100), message=st.binary(max_size=300))
def test_the_precomputed_mac_is_hmac_sha256(key, message):
    assert Mac(key).digest(message) == hmac.digest(key, message, "sha256")
