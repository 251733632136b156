"""Running the survey app under waitress, a production WSGI server (never Flask's development server).

waitress reads each request whole (spilling large bodies to a temporary file) before a worker thread
sees it, and writes responses back from its own event loop, so a phone uploading a photo over a weak
network for a minute, or a connection that stalls, holds a socket and no thread: members on good
connections are served meanwhile. One process serves; a hall of 600 phones in a minute is 10 answers
a second, far below what one process commits. Several machines share one PostgreSQL for more.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

CONNECTION_LIMIT = 1000  # open connections, stalled ones included; each costs a socket, not a thread
CHANNEL_TIMEOUT = 60  # seconds a connection may send nothing before it is closed


def options(host: str, port: int, threads: int, max_body: int) -> dict[str, object]:
    return {
        "host": host,
        "port": port,
        "threads": threads,
        "connection_limit": CONNECTION_LIMIT,
        "channel_timeout": CHANNEL_TIMEOUT,
        "max_request_body_size": max_body,
        "ident": "zhudian",
        "clear_untrusted_proxy_headers": False,  # ProxyFix in the app decides (ZHUDIAN_TRUSTED_PROXIES)
    }


def serve(factory: Callable[[], Flask], *, host: str, port: int, threads: int = 8) -> None:
    """Serve until interrupted."""
    import waitress

    from survey.app import HARD_MAX_BODY

    waitress.serve(factory(), **options(host, port, threads, HARD_MAX_BODY))  # type: ignore[arg-type]
