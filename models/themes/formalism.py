"""Formalism (形式主义): a suggestion that reports what the seed forbids a stationed cadre to do —
ask the grassroots for forms, ledgers and reports, come with layers of escorts, accept banquets,
look and leave (走马观花, 走过场, 留痕), hold crowded meetings.

These complaints are phrases, not words ("让我们填了三张表" is one, "表扬填表方便" is not), so they
are found by the patterns of ``models/data/text/formalism.txt``: one regular expression a line, in
sections named after the prohibition. A hit is not counted when a denial ("没有层层陪同", "不搞形式主义")
comes before it in the same clause. The analyser gives such a suggestion the theme :data:`FORMALISM`,
which the screens and the brief show first (需优先关注).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from models.themes.lexicon import DATA, FORMALISM, FORMALISM_LABEL

__all__ = ["FORMALISM", "FORMALISM_LABEL", "formalism_hits", "is_formalism"]

FILE = "formalism.txt"
_CLAUSE = re.compile(r"[，,。.！!？?；;\n]")


@dataclass(frozen=True)
class Rules:
    patterns: tuple[tuple[str, re.Pattern[str]], ...]  # (prohibition, pattern)
    denials: re.Pattern[str] | None


def load_rules(path: Path) -> Rules:
    section, patterns, denials = "", [], []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif line.startswith("!"):
            denials.extend(w for w in line[1:].split("|") if w)
        else:
            patterns.append((section, re.compile(line)))
    denial = re.compile("|".join(sorted(map(re.escape, denials), key=len, reverse=True))) if denials else None
    return Rules(tuple(patterns), denial)


@cache
def rules(folder: Path) -> Rules:
    return load_rules(folder / FILE)


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def formalism_hits(text: str, folder: Path | None = None) -> tuple[str, ...]:
    """The prohibitions ``text`` reports (section names, in the file's order; empty: none)."""
    found = rules(folder or DATA)
    text = normalise(text)
    hits: list[str] = []
    for section, pattern in found.patterns:
        if section in hits:
            continue
        for match in pattern.finditer(text):
            if not _denied(text, match.start(), found.denials):
                hits.append(section)
                break
    return tuple(hits)


def _denied(text: str, start: int, denials: re.Pattern[str] | None) -> bool:
    """A denial word begins before the hit, in its clause (it may run into the hit: 不需要 | 要我们……)."""
    if denials is None:
        return False
    clause_start = max((m.end() for m in _CLAUSE.finditer(text, 0, start)), default=0)
    return any(m.start() < start for m in denials.finditer(text, clause_start, start + 4))


def is_formalism(text: str) -> bool:
    return bool(formalism_hits(text))
