"""Child process of ``bench_dashboard.py``: open the dashboard headless on a database and exit.

``first-paint``: write ``painted`` to stdout as soon as the overview has been painted with its
figures (the parent times that line: cold start), then exit.
``tour``: paint the overview, then visit every top-level screen once, then exit (peak memory).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    url, mode = sys.argv[1], sys.argv[2]
    from tui.app import make_app
    from tui.screens.base import LiveScreen

    app = make_app(url, early=True)  # as `zhudian dashboard` does
    original = LiveScreen.on_loaded
    order = ["departments", "feedback", "alerts", "evaluation", "overview"]

    def on_loaded(self, message):  # type: ignore[no-untyped-def]
        original(self, message)
        if mode == "first-paint":
            # fd 1 directly: Textual captures sys.stdout while it runs.
            self.call_after_refresh(lambda: (os.write(1, b"painted\n"), app.exit()))
        elif not order:
            self.call_after_refresh(app.exit)
        elif self.loads == 1:
            self.call_after_refresh(app.switch_mode, order.pop(0))

    LiveScreen.on_loaded = on_loaded  # type: ignore[method-assign]
    app.run(headless=True, size=(120, 40))
    if app.db_problem:
        raise SystemExit(f"database problem: {app.db_problem}")
    # Peak resident memory of this process since its exec (the parent's getrusage would count the
    # memory it had when it forked us).
    status = Path("/proc/self/status").read_text()
    peak_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
    os.write(1, f"peak_kb {peak_kb}\n".encode())


if __name__ == "__main__":
    main()
