"""Chinese for everything click prints around the product's own texts.

click marks its messages (Usage:, Options, [required], "Missing option", "No such command", …) with
gettext, so a translation catalog for them is installed once (``tui/locale``). What click does not pass
through gettext — metavars such as INTEGER or ``[%Y-%m-%d]``, ``[OPTIONS]``, the name of a number type in
"is not a valid integer" — is set on each command's parameters by :func:`localize`, through click's
public attributes and parameter types.
"""

from __future__ import annotations

import gettext
import os
import re
from pathlib import Path

import click

from tui.textwidth import width as display_width

DOMAIN = "zhudian"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGE = "zh_CN"

OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."


class ChineseInt(click.types.IntParamType):
    name = "整数"


class ChineseFloat(click.types.FloatParamType):
    name = "数字"


class ChineseIntRange(click.IntRange):
    name = "整数"


# click's own metavars (type name upper-cased) and ours, in the seed's terms.
TYPE_METAVARS = {
    "INTEGER": "整数",
    "FLOAT": "数字",
    "TEXT": "文字",
    "FILENAME": "文件",
    "PATH": "路径",
    "FILE": "文件",
    "DIRECTORY": "目录",
    "BOOLEAN": "是/否",
}


class ChineseChoice(click.Choice):
    def get_missing_message(self, param: click.Parameter, ctx: click.Context | None) -> str:
        return "可选：" + "、".join(map(str, self.choices))


CLOSING = set("，。、；：）」』！？》”")


def _wrap(text: str, limit: int) -> list[str]:
    """Greedy wrap by display width (a Chinese character takes two columns); ASCII words stay whole."""
    lines: list[str] = []
    line = ""
    for token in re.findall(r"[A-Za-z0-9_./:@%'\[\]|{}<>=+-]+|\s+|.", text):
        if token.isspace():
            token = " "
            if not line:
                continue
        # Closing punctuation hangs past the margin rather than open a line.
        if line and token not in CLOSING and display_width(line) + display_width(token) > limit:
            lines.append(line.rstrip())
            line = "" if token == " " else token
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _join_lines(lines: list[str]) -> str:
    """A docstring paragraph as one line: no space is put between two Chinese characters."""
    out = ""
    for line in (part.strip() for part in lines):
        if out and line and display_width(out[-1]) == 1 and display_width(line[0]) == 1:
            out += " "
        out += line
    return out


class ChineseHelpFormatter(click.HelpFormatter):
    """click's formatter measuring text by display width, so Chinese columns line up and lines fit."""

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        for number, paragraph in enumerate(re.split(r"\n\s*\n", text.strip("\n"))):
            if number:
                self.write("\n")
            lines = paragraph.splitlines()
            if lines and lines[0].strip() == "\b":  # click's marker: keep these lines as written
                for line in lines[1:]:
                    self.write(f"{indent}{line}\n")
                continue
            for line in _wrap(_join_lines(lines), max(self.width - self.current_indent, 20)):
                self.write(f"{indent}{line}\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:  # type: ignore[override]
        rows = list(rows)
        first_width = min(max((display_width(first) for first, _ in rows), default=0), col_max)
        column = first_width + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_width:
                self.write(" " * (column - display_width(first)))
            else:
                self.write("\n" + " " * (column + self.current_indent))
            lines = _wrap(second, max(self.width - column - self.current_indent - 2, 10)) or [""]
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{'':>{column + self.current_indent}}{line}\n")


class ChineseContext(click.Context):
    formatter_class = ChineseHelpFormatter


def install() -> None:
    """Route click's gettext messages to the Chinese catalog.

    The product speaks only Chinese, so the language is set for this process rather than taken from
    the user's locale (a coordinator's SSH session is often ``LANG=C``); ``LANGUAGE`` only selects
    message catalogs, it changes neither encoding nor formats.
    """
    os.environ["LANGUAGE"] = LANGUAGE
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)


def _chinese_type(kind: click.ParamType) -> click.ParamType:
    if type(kind) is click.Choice:
        return ChineseChoice(kind.choices, case_sensitive=kind.case_sensitive)
    if type(kind) is click.types.IntParamType:
        return ChineseInt()
    if type(kind) is click.types.FloatParamType:
        return ChineseFloat()
    if type(kind) is click.IntRange:
        return ChineseIntRange(kind.min, kind.max, min_open=kind.min_open, max_open=kind.max_open,
                               clamp=kind.clamp)
    return kind


def _metavar(param: click.Parameter) -> str | None:
    kind = param.type
    if isinstance(param, click.Argument) and isinstance(kind, click.Choice):
        return "类型"  # the kinds are listed in the command's help
    if isinstance(kind, click.Choice | click.types.BoolParamType):
        return None  # click lists the choices themselves
    if isinstance(param, click.Option) and param.is_flag:
        return None
    if isinstance(kind, click.DateTime):
        return "YYYY-MM-DD" if all("%H" not in f for f in kind.formats) else "'YYYY-MM-DD HH:MM'"
    if isinstance(kind, click.Path):
        word = "目录" if not kind.file_okay else ("文件" if not kind.dir_okay else "路径")
    else:
        word = TYPE_METAVARS.get(kind.name.upper())
    if isinstance(param, click.Argument):
        # A metavar replaces click's whole rendering, so its brackets and dots are added here.
        word = TYPE_METAVARS.get(param.name.upper(), word or "值")
        if not param.required:
            word = f"[{word}]"
        if param.nargs != 1:
            word += "..."
    return word


def localize(command: click.Command) -> click.Command:
    """Chinese metavars and number types on ``command`` and its subcommands (idempotent)."""
    if getattr(command, "_zhudian_localized", False):
        return command
    command.options_metavar = OPTIONS_METAVAR
    command.context_class = ChineseContext
    if isinstance(command, click.Group):
        command.subcommand_metavar = SUBCOMMAND_METAVAR
        for sub in command.commands.values():
            localize(sub)
    for param in command.params:
        param.type = _chinese_type(param.type)
        if param.metavar is None:
            param.metavar = _metavar(param)
    command._zhudian_localized = True  # type: ignore[attr-defined]
    return command
