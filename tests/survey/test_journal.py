"""The rating journal (SQLite): answers acknowledged once appended, written in batches, recovered
after a worker dies, never stored twice, never dropped silently."""

from __future__ import annotations

import os
import secrets
import threading
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.exc import OperationalError
from sqlmodel import func, select

from models.feedback import rating_values
from models.tables import RateCounter, RatingStat
from survey.journal import REJECTED, SUFFIX, RatingJournal, decode, encode
from survey.submissions import Submission
from tests.serving import wait_for
from tests.survey.conftest import Scene, rating_count, ratings, submit


@pytest.fixture(autouse=True)
def sqlite_only(request: pytest.FixtureRequest, db_url: str) -> None:
    if not db_url.startswith("sqlite") and request.node.get_closest_marker("any_backend") is None:
        pytest.skip("PostgreSQL answers are committed before they are acknowledged: no journal")


def journal_of(app: Flask) -> RatingJournal:
    return app.extensions["zhudian.journal"]


def answer(scene: Scene, *, suggestion: str = "希望多组织志愿服务", branch_id: int | None = None,
           client: str = "post:abc") -> Submission:
    return Submission(client_key=client, rating=rating_values(
        branch_id=branch_id or scene.branch_id, link_id=scene.link_id, score=4, activity_id=scene.activity_ids[0],
        submission_id=secrets.token_urlsafe(16), suggestion=suggestion, client_hash="abc"))


def journal_files(app: Flask) -> list[Path]:
    return sorted(journal_of(app).directory.glob(f"*{SUFFIX}"))


def journaled_lines(app: Flask) -> int:
    return sum(1 for path in journal_files(app) for line in path.read_bytes().splitlines() if line)


def orphan(app: Flask, lines: list[bytes], name: str = "4242-000001-dead00") -> Path:
    """A journal file as a killed worker leaves it: in the directory, locked by nobody."""
    path = journal_of(app).directory / f"{name}{SUFFIX}"
    path.write_bytes(b"".join(lines))
    return path


def test_a_line_keeps_every_value_of_the_answer(scene):
    original = answer(scene, suggestion='多组织"志愿服务"\n🎉 <b>好</b>')
    line = encode(original)
    assert line.endswith(b"\n") and line.count(b"\n") == 1  # one answer, one line, whatever was typed
    assert decode(line) == original
    assert decode(line).rating["created_at"].tzinfo is not None
    counted_only = Submission(client_key="post:x")
    assert decode(encode(counted_only)) == counted_only


def test_an_answer_is_acknowledged_from_the_journal_and_written_in_a_batch(app, scene, session):
    journal = journal_of(app)
    outcomes = [journal.submit(answer(scene, client=f"post:{i}")) for i in range(3)]
    assert outcomes == ["stored"] * 3
    assert journaled_lines(app) == 3 and rating_count(session) == 0
    journal.flush()
    assert rating_count(session) == 3 and journaled_lines(app) == 0
    assert len(journal_files(app)) == 1  # the worker's fresh, empty file
    session.expire_all()
    assert session.exec(select(func.sum(RatingStat.count))).one() == 3
    assert sum(c.count for c in session.exec(select(RateCounter))) == 3


def test_the_writer_thread_writes_without_being_asked(make_app, scene, session):
    app = make_app()
    plain = FlaskClient(app)  # not the settling test client: nobody flushes
    response = submit(plain, scene.url, activity=str(scene.activity_ids[0]), score="5", suggestion="很好")
    assert response.status_code == 303
    wait_for(lambda: rating_count(session) == 1, 10, "the journal's writer thread")
    assert ratings(session)[0].suggestion == "很好"


def test_nothing_is_lost_while_threads_append_and_the_writer_rotates_files(app, scene, session):
    journal = journal_of(app)
    per_thread, threads = 150, 6
    start = threading.Barrier(threads + 1)
    outcomes: list[str] = []

    def member_phones(n: int) -> None:
        start.wait()
        mine = [journal.submit(answer(scene, client=f"post:{n}-{i}")) for i in range(per_thread)]
        outcomes.extend(mine)

    workers = [threading.Thread(target=member_phones, args=(n,)) for n in range(threads)]
    for t in workers:
        t.start()
    start.wait()
    while any(t.is_alive() for t in workers):
        journal.flush()  # the writer rotates and writes files while the threads append
    for t in workers:
        t.join()
    journal.flush()
    assert outcomes == ["stored"] * (threads * per_thread)
    assert rating_count(session) == threads * per_thread and journaled_lines(app) == 0


@pytest.mark.parametrize("writer", ["flush", "close"])
def test_the_writer_waits_for_an_append_in_progress(app, scene, session, monkeypatch, writer):
    """Appends run outside the journal's lock; rotating or closing must not read, delete or close a
    file that a request thread is still writing to (its descriptor could be reused by another file)."""
    journal = journal_of(app)
    journal.submit(answer(scene, client="post:first"))  # the current file has an answer to rotate
    entered, release = threading.Event(), threading.Event()
    real_write = os.write
    held = journal._current.fd

    def slow_write(fd: int, data: bytes) -> int:
        if fd == held:
            entered.set()
            release.wait(10)
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", slow_write)
    outcome: list[str] = []
    appending = threading.Thread(target=lambda: outcome.append(journal.submit(answer(scene, client="post:slow"))))
    appending.start()
    assert entered.wait(10)
    rotating = threading.Thread(target=getattr(journal, writer))
    rotating.start()
    rotating.join(0.3)
    assert rotating.is_alive()  # waiting for the append, not writing the file under it
    release.set()
    appending.join(10)
    rotating.join(10)
    assert outcome == ["stored"]
    assert rating_count(session) == 2 and journaled_lines(app) == 0


def test_a_write_cut_short_does_not_take_the_next_answer_with_it(app, scene, session, monkeypatch):
    journal = journal_of(app)
    real_write = os.write
    cut = {journal._current.fd}

    def short_write(fd: int, data: bytes) -> int:
        if fd in cut:  # the disk fills up in the middle of this one append
            cut.clear()
            return real_write(fd, data[: len(data) // 2])
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", short_write)
    answers = [answer(scene, client=f"post:{i}") for i in range(3)]
    assert [journal.submit(a) for a in answers] == ["stored"] * 3  # the first went the committed way
    journal.flush()
    assert sorted(r.submission_id for r in ratings(session)) == sorted(a.rating["submission_id"] for a in answers)
    # The torn half is set aside (it was never acknowledged from the journal); nothing else is.
    assert (journal.directory / REJECTED).read_text().count("unreadable") == 1


def test_a_dead_workers_journal_is_written_by_the_next_worker_to_start(make_app, scene, session):
    first = make_app()
    answers = [answer(scene, client=f"post:{i}") for i in range(2)]
    path = orphan(first, [encode(a) for a in answers] + [b'{"k":"post:torn","r":{"bra'])
    assert first.extensions["zhudian.journal"].recover() == 1
    assert not path.exists()
    assert sorted(r.submission_id for r in ratings(session)) == sorted(a.rating["submission_id"] for a in answers)
    # Started later, a worker finds the orphans of a server that was killed as a whole.
    later = orphan(first, [encode(answer(scene, client="post:late"))], name="4243-000001-dead01")
    make_app()
    assert not later.exists() and rating_count(session) == 3


def test_a_journal_written_twice_stores_each_answer_once(app, scene, session):
    lines = [encode(answer(scene, client=f"post:{i}")) for i in range(3)]
    orphan(app, lines)
    journal_of(app).recover()
    orphan(app, lines, name="4242-000002-dead00")  # a worker killed after its commit, before deleting
    journal_of(app).recover()
    assert rating_count(session) == 3
    session.expire_all()
    assert session.exec(select(func.sum(RatingStat.count))).one() == 3  # the roll-up counts new rows only


def test_a_live_workers_journal_is_never_claimed_by_another(make_app, scene, session):
    worker_a, worker_b = make_app(), make_app()
    journal_of(worker_a).submit(answer(scene))
    assert journal_of(worker_b).recover() == 0
    assert journaled_lines(worker_a) == 1 and rating_count(session) == 0
    journal_of(worker_a).flush()
    assert rating_count(session) == 1


def test_an_answer_the_database_refuses_is_kept_and_the_others_stored(app, scene, session, caplog):
    good = answer(scene, client="post:good")
    stray = answer(scene, branch_id=987_654, client="post:stray")  # its branch is gone
    orphan(app, [encode(good), b"not json at all\n", encode(stray)])
    journal_of(app).recover()
    assert [r.submission_id for r in ratings(session)] == [good.rating["submission_id"]]
    kept = (journal_of(app).directory / REJECTED).read_bytes()
    assert encode(stray) in kept and b"not json at all" in kept and b"IntegrityError" in kept
    assert "could not be stored" in caplog.text


def test_while_the_database_is_unavailable_the_journal_keeps_the_answers(app, scene, session, monkeypatch):
    journal = journal_of(app)
    real_write = journal._write
    failures = iter([OperationalError("INSERT", {}, Exception("database is locked"))])

    def locked_once(tx, batch):
        failure = next(failures, None)
        if failure is not None:
            raise failure
        return real_write(tx, batch)

    monkeypatch.setattr(journal, "_write", locked_once)
    journal.submit(answer(scene))
    journal.flush()
    assert rating_count(session) == 0 and journaled_lines(app) == 1  # kept, not dropped
    journal.submit(answer(scene, client="post:2"))
    journal.flush()
    assert rating_count(session) == 2 and journaled_lines(app) == 0


def test_closing_writes_everything_and_later_answers_go_straight_in(app, scene, session):
    journal = journal_of(app)
    journal.submit(answer(scene))
    journal.close()
    assert rating_count(session) == 1 and journal_files(app) == []
    assert journal.submit(answer(scene, client="post:after")) == "stored"
    assert rating_count(session) == 2


def test_the_rate_limit_counts_in_the_worker_and_learns_from_the_database(make_app, scene, session):
    worker_a, worker_b = make_app(RATE_LIMIT_POST=2), make_app(RATE_LIMIT_POST=2)
    a, b = journal_of(worker_a), journal_of(worker_b)
    assert [a.submit(answer(scene)), a.submit(answer(scene))] == ["stored", "stored"]
    assert a.submit(answer(scene)) == "over limit"  # the worker's own count, no database read
    a.flush()
    # Worker b has seen none of this client's answers: its first is let through (a write behind the
    # limit, one tick at most), and from its second on it reads the counter every worker writes.
    assert b.submit(answer(scene, client="post:other")) == "stored"
    assert b.submit(answer(scene, client="post:other")) == "stored"
    b.flush()
    assert b.submit(answer(scene)) == "stored"
    assert b.submit(answer(scene)) == "over limit"
    b.flush()
    over = worker_b.extensions["zhudian.over_limit"]
    assert over.get("post:abc") is not None  # remembered: refused before any work from now on
    assert rating_count(session) == 5


@pytest.mark.any_backend
def test_no_journal_on_postgresql_or_when_turned_off(make_app, db_url):
    assert ("zhudian.journal" in make_app().extensions) == db_url.startswith("sqlite")
    assert "zhudian.journal" not in make_app(RATING_JOURNAL=False).extensions


def test_journal_files_are_private(app):
    directory = journal_of(app).directory
    assert directory.stat().st_mode & 0o077 == 0
    assert all(path.stat().st_mode & 0o077 == 0 for path in journal_files(app))
