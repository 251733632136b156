"""PDF output of any workbook writer, through LibreOffice: the workbook is written to a temporary .xlsx
and converted by ``soffice --headless --convert-to pdf``, so the PDF is exactly what printing the
workbook gives (the print setup of ``tui/exports/printing.py``).

Each conversion runs with its own throwaway LibreOffice profile: two conversions at once (or one
beside a LibreOffice the user has open) never wait for each other's profile lock.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
PROGRAMS = ("soffice", "libreoffice")
PACKAGE = "libreoffice-calc"
TIMEOUT = 1800  # seconds; a very large export takes minutes, a hung office suite must not hang us


class PdfUnavailable(RuntimeError):
    """No office suite to convert with; the message (Chinese) says what to install."""


class PdfFailed(RuntimeError):
    """The conversion ran and failed; the message (Chinese) says how."""


def office_program() -> str | None:
    """The LibreOffice program, if installed (``ZHUDIAN_SOFFICE`` names another one)."""
    named = os.environ.get("ZHUDIAN_SOFFICE")
    if named:
        return shutil.which(named)
    return next(filter(None, map(shutil.which, PROGRAMS)), None)


def _program() -> str:
    program = office_program()
    if program is None:
        raise PdfUnavailable(
            "未找到 LibreOffice（soffice），无法生成 PDF。请先安装：Debian/Ubuntu 上运行 "
            f"sudo apt-get install --no-install-recommends {PACKAGE}；或改为输出 .xlsx 文件")
    return program


def convert_to_pdf(xlsx: Path, out: Path) -> None:
    """Convert the workbook ``xlsx`` to the PDF file ``out``."""
    program = _program()
    with tempfile.TemporaryDirectory(prefix="zhudian-pdf-") as tmp:
        folder = Path(tmp)
        profile = folder / "profile"
        command = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--convert-to", "pdf", "--outdir", str(folder / "pdf"), str(xlsx)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise PdfFailed(f"LibreOffice 转换 PDF 超过 {TIMEOUT // 60} 分钟仍未完成，已停止") from None
        except OSError as exc:
            raise PdfFailed(f"无法运行 LibreOffice（{program}）：{exc.strerror or exc}") from None
        produced = folder / "pdf" / (xlsx.stem + ".pdf")
        if done.returncode != 0 or not produced.is_file():
            detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [f"退出码 {done.returncode}"]
            raise PdfFailed(f"LibreOffice 未能生成 PDF：{detail[0]}")
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(produced, out)


def write_pdf(write: Callable[[Path], T], out: Path) -> T:
    """Run the workbook writer ``write(path)`` on a temporary .xlsx and convert it to ``out``; returns
    what the writer returned."""
    _program()  # no office suite: say so before any work is done
    with tempfile.TemporaryDirectory(prefix="zhudian-xlsx-") as tmp:
        xlsx = Path(tmp) / "report.xlsx"
        result = write(xlsx)
        convert_to_pdf(xlsx, out)
    return result


def is_pdf(path: Path) -> bool:
    return path.suffix.lower() == ".pdf"


def save(write: Callable[[Path], T], out: Path) -> T:
    """``write(out)`` for a workbook, or through LibreOffice when ``out`` ends in .pdf."""
    return write_pdf(write, out) if is_pdf(out) else write(out)
