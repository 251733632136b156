"""Real processes: ``python -m tui serve`` on a free port (helpers shared with tests/stress in tests/serving.py)."""

from tests.serving import ROOT, Server, free_port, serve, start_server, stop_server  # noqa: F401
