"""Running the survey app under waitress, a production WSGI server (never Flask's development server).

waitress reads each request whole (spilling large bodies to a temporary file) before a worker thread
sees it, and writes responses back from its own event loop, so a phone uploading a photo over a weak
network for a minute holds a socket and no thread: members on good connections are served meanwhile.
One process serves; a hall of 600 phones in a minute is 10 answers a second, far below what one
process commits. Several machines share one PostgreSQL for more.

Sockets are what a slow or hostile client can use up, so three limits guard them (figures below):

- all open connections (``CONNECTION_LIMIT``), polled with ``poll()`` rather than ``select()``,
  which cannot watch more than 1,024 sockets;
- open connections from one address (``PER_ADDRESS``): a lecture hall behind one Wi-Fi or carrier
  NAT address, each phone keeping its connection alive between form and answer, fits many times;
  one address cannot take the whole server;
- a deadline for a whole request: its headers within ``HEADER_SECONDS`` of its first byte, its body
  at no less than ``BODY_RATE`` bytes a second on average after that. A client that trickles a byte
  every few seconds (which keeps waitress's idle timeout from firing) is closed at its deadline.
  A 5 MB photo on a 512 kbit/s link takes 82 s and is given 110 s; a 20 MB lecture file 330 s.
"""

from __future__ import annotations

import collections
import os
import resource
import time
from collections.abc import Callable
from typing import Any

from flask import Flask

CONNECTION_LIMIT = 8000  # all open connections, stalled ones included; each costs a socket, not a thread
PER_ADDRESS = 1500  # open connections from one address (a hall of 600 phones, two each, fits)
HEADER_SECONDS = 30  # a request's headers must all arrive within this from its first byte
BODY_RATE = 64 * 1024  # then its body at this average rate at least (512 kbit/s)
CHANNEL_TIMEOUT = 60  # seconds an idle kept-alive connection is held before it is closed
CHECK_SECONDS = 2  # how often connections are checked against these limits
ACCEPT_BATCH = 512  # connections taken from the listen queue in one pass of the server's loop


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def limits() -> dict[str, int]:
    """The figures above, each overridable by a ``ZHUDIAN_*`` variable (the tests shorten deadlines)."""
    connections = _env_int("ZHUDIAN_CONNECTION_LIMIT", CONNECTION_LIMIT)
    # Behind a reverse proxy every connection comes from the proxy's address: the proxy is the one to
    # hold slow clients back, and one address may then use every connection.
    behind_proxy = _env_int("ZHUDIAN_TRUSTED_PROXIES", 0) > 0
    return {"connection_limit": connections,
            "per_address": connections if behind_proxy else _env_int("ZHUDIAN_PER_ADDRESS", PER_ADDRESS),
            "header_seconds": _env_int("ZHUDIAN_HEADER_SECONDS", HEADER_SECONDS),
            "body_rate": _env_int("ZHUDIAN_BODY_RATE", BODY_RATE)}


def options(host: str, port: int, threads: int, max_body: int) -> dict[str, object]:
    return {
        "host": host,
        "port": port,
        "threads": threads,
        "connection_limit": limits()["connection_limit"],
        "channel_timeout": CHANNEL_TIMEOUT,
        "cleanup_interval": CHECK_SECONDS,
        "asyncore_use_poll": True,  # select() stops at 1,024 sockets
        "max_request_body_size": max_body,
        "ident": "zhudian",
        "clear_untrusted_proxy_headers": False,  # ProxyFix in the app decides (ZHUDIAN_TRUSTED_PROXIES)
    }


def _open_files(connections: int) -> int:
    """Raise this process's open-file limit to hold ``connections`` sockets; the connections it allows."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = connections + 256  # the database, temporary files of uploads, the log
    if soft != resource.RLIM_INFINITY and soft < want:
        soft = want if hard == resource.RLIM_INFINITY else min(want, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return connections if soft == resource.RLIM_INFINITY else min(connections, soft - 256)


def make_server(app: Flask, **kw: Any) -> Any:
    """A waitress server with the per-address limit and the request deadline (see the module's text).

    waitress has no public hook for either, so its channel and server classes are subclassed; the
    version is bounded above in pyproject.toml for that reason."""
    from waitress.channel import HTTPChannel
    from waitress.server import TcpWSGIServer

    figures = limits()
    per_address = figures["per_address"]
    header_seconds, body_rate = figures["header_seconds"], figures["body_rate"]
    open_by_address: collections.Counter[str] = collections.Counter()
    accepted = [0]  # connections taken so far (the server's accept loop watches it)

    class Channel(HTTPChannel):
        started = 0.0  # when the request being received sent its first byte (0: none in progress)
        address = ""

        def __init__(self, server: Any, sock: Any, addr: Any, adj: Any, map: Any = None) -> None:  # noqa: A002
            super().__init__(server, sock, addr, adj, map)
            accepted[0] += 1
            self.address = addr[0] if isinstance(addr, tuple) else str(addr)
            open_by_address[self.address] += 1
            if open_by_address[self.address] > per_address:
                self.close()  # over its address's share: refused at once, the others keep theirs

        def received(self, data: bytes) -> bool:
            if self.request is None and data:
                self.started = time.time()
            return super().received(data)

        def del_channel(self, map: Any = None) -> None:  # noqa: A002
            if self.address:
                open_by_address[self.address] -= 1
                if open_by_address[self.address] <= 0:
                    del open_by_address[self.address]
                self.address = ""
            super().del_channel(map)

    class Server(TcpWSGIServer):
        channel_class = Channel

        def handle_accept(self) -> None:
            # waitress takes one connection per pass of its loop, and a pass visits every open
            # connection: a burst of thousands would queue a member's connect behind them for a
            # minute. Take every queued connection at once (up to a batch) instead.
            for _ in range(ACCEPT_BATCH):
                before = accepted[0]
                super().handle_accept()
                if accepted[0] == before:
                    return  # the queue is empty (or a connect failed; the next pass tries again)

        def maintenance(self, now: float) -> None:
            super().maintenance(now)  # idle connections (channel_timeout)
            for channel in list(self.active_channels.values()):
                request = channel.request
                if request is None or not channel.started or channel.requests:
                    continue
                allowed = header_seconds + (request.content_length / body_rate if request.headers_finished else 0)
                if now - channel.started > allowed:
                    channel.will_close = True  # past its deadline: closed at the loop's next pass

    return Server(app, **kw)


def serve(factory: Callable[[], Flask], *, host: str, port: int, threads: int = 8) -> None:
    """Serve until interrupted."""
    import logging

    from survey.app import HARD_MAX_BODY

    logging.basicConfig()
    kw = options(host, port, threads, HARD_MAX_BODY)
    kw["connection_limit"] = _open_files(int(kw["connection_limit"]))  # type: ignore[call-overload]
    server = make_server(factory(), **kw)
    server.print_listen("Serving on http://{}:{}")
    server.run()
