"""Running the survey app under a production WSGI server: gunicorn on Linux/macOS, else waitress.

Never Flask's development server. Each gunicorn worker builds its own app (and so its own database
engine) after the fork; the workers share nothing but the database and the secret file.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from flask import Flask


def gunicorn_available() -> bool:
    if sys.platform == "win32":
        return False
    try:
        import gunicorn.app.base  # noqa: F401
    except ImportError:
        return False
    return True


def gunicorn_options(host: str, port: int, workers: int, threads: int, *, access_log: bool = False) -> dict[str, Any]:
    return {
        "bind": f"{host}:{port}" if ":" not in host else f"[{host}]:{port}",
        "workers": workers,
        # Threads per worker: slow phones on weak networks must not hold a whole worker each.
        "worker_class": "gthread" if threads > 1 else "sync",
        "threads": threads,
        "timeout": 60,
        "graceful_timeout": 20,
        "keepalive": 5,
        "accesslog": "-" if access_log else None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "zhudian-survey",
        "preload_app": False,
    }


def choose(preferred: str = "auto") -> str:
    """``gunicorn`` where it can run, else ``waitress``; an explicit choice is honoured if possible."""
    if preferred == "waitress" or not gunicorn_available():
        return "waitress"
    return "gunicorn"


def serve(factory: Callable[[], Flask], *, host: str, port: int, workers: int, threads: int = 4,
          access_log: bool = False, server: str = "auto") -> None:
    """Serve until interrupted. ``factory`` is called in each worker process."""
    if choose(server) == "gunicorn":
        from gunicorn.app.base import BaseApplication

        class SurveyServer(BaseApplication):
            def __init__(self) -> None:
                self.options = gunicorn_options(host, port, workers, threads, access_log=access_log)
                super().__init__()

            def load_config(self) -> None:
                for key, value in self.options.items():
                    self.cfg.set(key, value)

            def load(self) -> Flask:
                return factory()

        SurveyServer().run()
    else:
        import waitress

        # One process with a thread pool: waitress has no worker processes.
        waitress.serve(factory(), host=host, port=port, threads=max(4, workers * threads), ident="zhudian")
