"""The rating journal: on SQLite, a member's answer is acknowledged once it is appended to a file
beside the database, and each worker moves its answers into the database in batches every 0.2 s.

Why: measured on the survey server, SQLite's own work is a small part of a rating's cost; the rest
is Python running one short transaction per one or two answers, interleaved with request handling.
Appending a line costs a system call; the batches written from the journal hold dozens of answers.

Durability: an append that has returned is in the operating system's file cache, which is exactly
where a commit of SQLite in WAL mode with ``synchronous=NORMAL`` (this project's setting) is. Both
survive the server being killed or crashing; neither survives a power cut of the machine before the
system flushes its cache. PostgreSQL commits are flushed to disk, so on PostgreSQL answers are
written before they are acknowledged (:class:`survey.db.GroupCommit`) and there is no journal.

Files: ``<database>.journal/<pid>-<n>.jsonl``, one JSON line per answer. A worker holds an ``flock``
on each file it has open; every tick it starts a new file, writes the previous one to the database
(once the appends in progress to it have finished) and deletes it. A file nobody holds a lock on
belongs to a worker that died: any worker claims it (at start and every few seconds) and writes it.
Writing a file twice is harmless: a submission id is stored once. An answer the database refuses on
its own (its link was deleted meanwhile) is kept in ``rejected.txt`` in the same directory and
logged, never dropped silently.

Appends: request threads write without holding a lock across the system call. A lock held across
it made every other thread queue behind the one waiting to get the interpreter lock back, which
doubled a rating's CPU cost with four threads. Appends to a file opened with ``O_APPEND`` land whole,
one after another; each starts with a newline, so a write cut short (a full disk) cannot join the
next answer's line.

Rate limit: each worker counts its clients' answers per minute itself and refuses the ones over
the limit before acknowledging. A client's second and later answers in a minute are also checked
against the database counter, which every batch updates: a client over the limit through other
workers is refused, give or take the answers the others have not written yet (one tick's worth).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from models.feedback import RATING_COLUMNS
from models.ratelimit import count_in
from models.rawsql import transaction
from survey import limits
from survey.db import GroupCommit, is_outage
from survey.submissions import Outcome, Submission, write_acknowledged

try:
    import fcntl
except ImportError:  # Windows: no journal (see journal_directory)
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

SUFFIX = ".jsonl"
REJECTED = "rejected.txt"
CHUNK = 500  # answers per transaction when a long journal is written (after an outage)
ORPHAN_SCAN_SECONDS = 5.0
MAX_COUNTED_CLIENTS = 100_000


def journal_directory(database_path: str | None) -> Path | None:
    """Where the journal of an SQLite file lives; ``None`` where there can be none."""
    if fcntl is None or not database_path or database_path == ":memory:" or database_path.startswith("file:"):
        return None
    return Path(f"{database_path}.journal")


# A line is a JSON array: the client key, then the rating's values in ``RATING_COLUMNS`` order (or
# null: an answer only counted).
_CREATED_AT = RATING_COLUMNS.index("created_at")
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def encode(submission: Submission) -> bytes:
    """One journal line (no photo, no cap: those answers never come here; see ``submit``)."""
    r = submission.rating
    if r is None:
        return _ENCODER.encode([submission.client_key, None]).encode() + b"\n"
    values = [submission.client_key, *(r[c] for c in RATING_COLUMNS)]
    values[1 + _CREATED_AT] = r["created_at"].isoformat()
    return _ENCODER.encode(values).encode() + b"\n"


def decode(line: bytes) -> Submission:
    data = json.loads(line)
    if data[1] is None:
        return Submission(client_key=data[0])
    rating = dict(zip(RATING_COLUMNS, data[1:], strict=True))
    rating["created_at"] = datetime.fromisoformat(rating["created_at"])
    return Submission(client_key=data[0], rating=rating)


class _File:
    __slots__ = ("path", "fd", "writers", "appended")

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self.fd = fd
        self.writers = 0  # appends in progress (the journal's lock guards both counts)
        self.appended = 0  # answers in the file

    def close(self) -> None:
        try:
            os.close(self.fd)  # releases the lock
        except OSError:
            pass


class RatingJournal:
    """One worker's journal. ``submit`` from request threads; a background thread writes."""

    def __init__(self, directory: Path, engine: Engine, group_commit: GroupCommit, *, limit: int,
                 on_over: Callable[[str], None], interval: float = 0.2) -> None:
        self.directory = directory
        self._engine = engine
        self.limit = limit
        self.interval = interval
        self._group_commit = group_commit
        self._on_over = on_over
        # The current file and the files' counts; never held across a system call.
        self._lock = threading.Lock()
        self._quiet = threading.Condition(self._lock)  # a retired file's last append finished
        self._count_lock = threading.Lock()  # the local counts
        self._drain_lock = threading.Lock()  # one writer of journal files at a time
        self._current: _File | None = None
        self._pending: list[_File] = []  # rotated out, not yet in the database
        self._window = 0
        self._counts: dict[str, int] = {}
        self._seq = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_scan = 0.0
        self.closed = False

    # --- lifecycle --------------------------------------------------------------------------------

    def start(self) -> RatingJournal:
        """Write what dead workers left, open this worker's first file, start the writer thread."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.recover()
        self._current = self._open_file()
        self._thread = threading.Thread(target=self._run, name="zhudian-journal", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop the writer thread and write everything journaled (a stopping worker; tests).

        If the database cannot take it now, the files stay and the next server to start writes them.
        """
        if self.closed:
            return
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)
        with self._drain_lock:
            with self._lock:
                self.closed = True  # from here on, submit writes directly
                current, self._current = self._current, None
                self._wait_quiet(current)
            if current is not None:
                if current.appended:
                    self._pending.append(current)
                else:
                    self._discard(current)
            self._drain_pending()
            for leftover in self._pending:
                leftover.close()  # unlocked: an orphan for the next start
            self._pending = []

    # --- the request side -------------------------------------------------------------------------

    def submit(self, submission: Submission) -> Outcome:
        """Acknowledge an answer once it is in the journal; ``"over limit"`` refuses it.

        Answers to capped links or with a photo are written before the member is answered (the cap
        must be checked against the database, and a photo does not belong in a text file).
        """
        if submission.max_responses is not None or submission.photo is not None:
            return self._group_commit.submit(submission)
        if not self._admit(submission.client_key):
            return "over limit"  # the caller remembers the client (survey.views._write)
        line = b"\n" + encode(submission)
        with self._lock:
            file = self._current
            if file is not None:
                file.writers += 1
        if file is not None and self._append(file, line):
            return "counted" if submission.rating is None else "stored"
        return self._group_commit.submit(submission)  # closed, or the disk is full: the committed path

    def _append(self, file: _File, line: bytes) -> bool:
        written = 0
        try:
            written = os.write(file.fd, line)  # cut short: the reader sets the torn line aside
        except OSError as exc:
            log.warning("rating journal: cannot append (%s); writing directly", exc)
        with self._lock:
            file.writers -= 1
            file.appended += written == len(line)
            if not file.writers and file is not self._current:
                self._quiet.notify_all()
        return written == len(line)

    def _wait_quiet(self, file: _File | None) -> None:
        """Until no append to ``file`` (just taken out of use) is in progress; under the lock."""
        while file is not None and file.writers:
            self._quiet.wait()

    def _admit(self, key: str) -> bool:
        if self.limit <= 0:
            return True
        window = limits.window()
        with self._count_lock:
            if window != self._window or len(self._counts) >= MAX_COUNTED_CLIENTS:
                self._counts.clear()
                self._window = window
            n = self._counts.get(key, 0)
            if n >= self.limit:
                return False
            self._counts[key] = n + 1
        if n == 0:
            return True  # a client's first answer this minute here: no read (nearly every member)
        with transaction(self._engine) as tx:
            total = count_in(tx, key, window)  # through every worker, as far as written
        if total >= self.limit:
            with self._count_lock:
                self._counts[key] = max(self._counts.get(key, 0), self.limit)
            return False
        return True

    # --- the writer side --------------------------------------------------------------------------

    def flush(self) -> None:
        """Write everything journaled so far to the database now (tests; the writer thread's tick)."""
        with self._drain_lock:
            rotated = self._rotate()
            if rotated is not None:
                self._pending.append(rotated)
            self._drain_pending()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.flush()
                if time.monotonic() - self._last_scan > ORPHAN_SCAN_SECONDS:
                    self.recover()
            except Exception:  # noqa: BLE001 (the thread must live on; the files keep the answers)
                log.exception("rating journal: writing failed; will retry")

    def _open_file(self) -> _File:
        # Created under a temporary name, locked, then renamed: a file with the journal's suffix is
        # always either locked by its worker or an orphan, never a new file another worker could claim.
        self._seq += 1
        name = f"{os.getpid()}-{self._seq:06d}-{secrets.token_hex(3)}"
        temporary = self.directory / f"{name}.new"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            path = self.directory / f"{name}{SUFFIX}"
            os.rename(temporary, path)
        except BaseException:
            os.close(fd)
            temporary.unlink(missing_ok=True)
            raise
        return _File(path, fd)

    def _rotate(self) -> _File | None:
        """Start a new file if the current one has answers; the old one, to be written.

        The new file is created before the lock is taken: appends wait only for the swap. The old one
        is returned once the appends still writing to it have finished.
        """
        if self._current is None or not (self._current.appended or self._current.writers):
            return None
        try:
            fresh = self._open_file()
        except OSError as exc:
            log.warning("rating journal: cannot start a new file (%s); will retry", exc)
            return None
        with self._lock:  # close() runs under the drain lock too, so the current file is still there
            old, self._current = self._current, fresh
            self._wait_quiet(old)
            return old

    def _drain_pending(self) -> None:
        while self._pending:
            if not self._write_file(self._pending[0]):
                return  # the database is away or busy: keep the files, retry next tick
            self._pending.pop(0)

    def _write_file(self, file: _File) -> bool:
        """Write one (locked, no longer appended to) journal file to the database and delete it."""
        with open(file.path, "rb") as f:
            data = f.read()
        lines = data.split(b"\n")
        if lines[-1]:
            log.warning("rating journal %s: an unfinished last line (never acknowledged) is skipped", file.path.name)
        items: list[tuple[bytes, Submission]] = []
        bad: list[tuple[bytes, str]] = []
        for line in lines[:-1]:
            if not line:
                continue
            try:
                items.append((line, decode(line)))
            except (ValueError, KeyError, TypeError) as exc:
                bad.append((line, f"unreadable: {exc}"))
        for start in range(0, len(items), CHUNK):
            chunk = items[start:start + CHUNK]
            results = self._group_commit.write_now([s for _, s in chunk], self._write)
            if any(is_outage(r) for r in results):
                first = next(r for r in results if is_outage(r))
                log.warning("rating journal: database unavailable (%s); will retry", str(first).splitlines()[0])
                return False
            bad.extend((line, f"{type(r).__name__}: {str(r).splitlines()[0]}")
                       for (line, _), r in zip(chunk, results, strict=True) if isinstance(r, BaseException))
        if bad:
            self._reject(bad)
        self._discard(file)
        return True

    def _write(self, tx: Any, batch: list[Submission]) -> list[Outcome]:
        outcomes, totals = write_acknowledged(tx, batch)
        if self.limit > 0:
            for key, total in totals.items():
                if total >= self.limit:
                    self._on_over(key)  # over through any worker: refused here too from now on
        return outcomes

    def _reject(self, bad: list[tuple[bytes, str]]) -> None:
        path = self.directory / REJECTED
        with open(path, "ab") as f:
            for line, why in bad:
                f.write(f"# {datetime.now().isoformat(timespec='seconds')} {why}\n".encode())
                f.write(line + b"\n")
        log.error("rating journal: %d answer(s) could not be stored; kept in %s", len(bad), path)

    def _discard(self, file: _File) -> None:
        file.path.unlink(missing_ok=True)
        file.close()

    def recover(self) -> int:
        """Write the journal files of workers that died (nobody holds their lock); how many."""
        self._last_scan = time.monotonic()
        recovered = 0
        for path in sorted(self.directory.glob(f"*{SUFFIX}")):
            try:
                fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            except FileNotFoundError:
                continue  # written and deleted by another worker meanwhile
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if os.stat(path).st_ino != os.fstat(fd).st_ino:
                    raise FileNotFoundError(path)  # replaced after we opened it
            except OSError:
                os.close(fd)  # its worker is alive (or another claimed it first)
                continue
            file = _File(path, fd)
            with self._drain_lock:
                if not self._write_file(file):
                    file.close()
                    break
            log.warning("rating journal: wrote %s, left by a worker that stopped", path.name)
            recovered += 1
        for stale in self.directory.glob("*.new"):
            # Created but never renamed (a worker killed in between): it can hold no answer.
            try:
                if time.time() - stale.stat().st_mtime > 60:
                    stale.unlink()
            except OSError:
                pass
        return recovered
