"""Every README example runs as written, in order, in a fresh data directory.

The README's ```sh blocks are read in document order. The first two are the quick start (install and
run the demo; install and run the tests): the demo is built here the way the quick start builds it,
without the dashboard and with fewer ratings (``zhudian demo --no-ui --ratings 2000``), and the test
suite is not run again. Every other line is run with bash, as written, in one working directory and one
data directory, and must succeed. A trailing comment marks the two other kinds of example:

- ``持续运行`` (runs until Ctrl+C): started, still running after ``LONG_RUNNING_SECONDS``, then stopped;
- ``预期出错`` (shows an error): exits non-zero with a Chinese ``错误：`` line and no traceback.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

README = Path(__file__).resolve().parents[1] / "README.md"
LONG_RUNNING = "持续运行"
FAILS = "预期出错"
LONG_RUNNING_SECONDS = 6.0  # a server that has not stopped by then is serving (start-up takes ~2 s here)
COMMAND_TIMEOUT = 180.0
QUICK_START_DEMO = "zhudian demo --no-ui --ratings 2000"


def sh_blocks(text: str) -> list[list[str]]:
    """Each ```sh block as its commands (continuation lines joined, blank lines dropped)."""
    blocks = []
    for body in re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M):
        commands: list[str] = []
        pending = ""
        for line in body.splitlines():
            if line.rstrip().endswith("\\"):
                pending += line.rstrip()[:-1] + " "
                continue
            line = pending + line
            pending = ""
            if line.strip() and not line.lstrip().startswith("#"):
                commands.append(line.strip())
        blocks.append(commands)
    return blocks


def comment_of(command: str) -> str:
    found = re.search(r"\s#\s(.*)$", command)
    return found.group(1) if found else ""


@pytest.fixture
def shell(tmp_path: Path):
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("ZHUDIAN_DATABASE_URL", "ZHUDIAN_PUBLIC_URL", "COLUMNS", "LINES")}
    env.update(ZHUDIAN_HOME=str(home), PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}")
    env.pop("ZHUDIAN_SECRET_FILE", None)

    def run(command: str) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", "-c", command], cwd=work, env=env, capture_output=True, text=True,
                              timeout=COMMAND_TIMEOUT)

    def run_long(command: str) -> tuple[bool, str]:
        process = subprocess.Popen(["bash", "-c", command], cwd=work, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            process.wait(LONG_RUNNING_SECONDS)
            return False, process.stdout.read()  # it stopped by itself: not what the README says
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGINT)  # Ctrl+C, as the README says
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            return True, process.stdout.read()

    run.long = run_long  # type: ignore[attr-defined]
    run.work = work  # type: ignore[attr-defined]
    return run


def test_sh_blocks_are_read_in_order_with_their_marks():
    text = "```sh\na \\\n  b   # 持续运行\n\n# note\nc\n```\nprose\n```sh\nd  # 预期出错：x\n```\n"
    assert sh_blocks(text) == [["a    b   # 持续运行", "c"], ["d  # 预期出错：x"]]
    assert comment_of("d  # 预期出错：x") == "预期出错：x" and comment_of("zhudian status") == ""


def test_every_readme_example_runs_as_written_in_order(shell):
    blocks = sh_blocks(README.read_text(encoding="utf-8"))
    install_demo, install_tests, *examples = blocks
    assert install_demo[-1].endswith("zhudian demo") and "pip install ." in install_demo[-1]
    assert "pytest" in install_tests[-1]
    built = shell(QUICK_START_DEMO)
    assert built.returncode == 0, built.stderr

    ran = []
    for command in (c for block in examples for c in block):
        comment = comment_of(command)
        started = time.monotonic()
        if LONG_RUNNING in comment:
            still_running, output = shell.long(command)
            assert still_running, f"{command}\n{output}"
            assert "Traceback" not in output and "错误：" not in output, f"{command}\n{output}"
        else:
            result = shell(command)
            output = result.stdout + result.stderr
            assert "Traceback" not in output, f"{command}\n{output}"
            if FAILS in comment:
                assert result.returncode != 0 and "错误：" in result.stderr, f"{command}\n{output}"
                if "演示数据库" in comment:
                    assert "demo.db" in result.stderr, f"{command}\n{output}"
            else:
                assert result.returncode == 0, f"{command}\nexit {result.returncode}\n{output}"
            if "截止时间已过" in comment:
                assert "已过" in result.stderr, f"{command}\n{output}"
        ran.append((command.split("#")[0].strip(), round(time.monotonic() - started, 1)))

    names = " ".join(c for c, _ in ran)
    # The walk covered the demo examples, the real database's and the backup of the real file.
    for needed in ("zhudian link create", "zhudian cadre revoke", "zhudian init", "zhudian serve", "sqlite3"):
        assert needed in names, needed
    assert names.index("zhudian cadre revoke") < names.index("zhudian init"), "demo examples come first"
    backup = shell.work / "zhudian-备份.db"
    assert backup.stat().st_size > 100_000, "the backup is of the real database, not an empty new file"
    print("\n".join(f"{seconds:>6}s  {command}" for command, seconds in ran))
