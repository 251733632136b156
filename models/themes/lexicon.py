"""The word lists behind the themes, kept as data in ``models/data/text`` (edit them, not the code).

- ``themes.csv``: one theme a row — code, Chinese name, "only alone" (1: counted only when no other
  theme matched, for praise), and its keywords separated by 、;
- ``dict.txt``: the domain dictionary for segmentation (jieba's user-dictionary format);
- ``stopwords.txt``: words never shown as keywords;
- ``urgent.txt``: safety and urgent-hardship words; a suggestion with one is flagged first;
- ``formalism.txt``: the phrases of formalism the seed forbids (``models.themes.formalism``), a theme
  of its own shown before the others.

:attr:`Lexicon.version` changes whenever a list (or the analysis code's own version) changes; stored
analyses made with another version are redone (:func:`models.themes.store.analyse_pending`).
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "text"
FILES = ("themes.csv", "dict.txt", "stopwords.txt", "urgent.txt", "formalism.txt")
ANALYSER_VERSION = "2"  # bump when the analysis itself changes (tokens, keywords): stored results are redone

OTHER = "other"  # no theme's keyword matched
URGENT = "urgent"  # pseudo-theme: mentions a safety or urgent-hardship word
TOTAL = "_all"  # pseudo-theme of the roll-up: every analysed suggestion (the base of each share)
URGENT_LABEL = "需优先关注（安全、紧急困难）"
FORMALISM = "formalism"  # the seed's prohibitions reported by members (models.themes.formalism)
FORMALISM_LABEL = "形式主义"


@dataclass(frozen=True)
class Theme:
    code: str
    name: str
    alone: bool  # counted only when no other theme matched
    keywords: frozenset[str]


@dataclass(frozen=True)
class Lexicon:
    themes: tuple[Theme, ...]
    words: tuple[str, ...]  # every word the segmenter must keep whole
    stop_words: frozenset[str]
    urgent: frozenset[str]
    version: str

    def label(self, code: str) -> str:
        if code == OTHER:
            return "其他"
        if code == URGENT:
            return URGENT_LABEL
        if code == FORMALISM:
            return FORMALISM_LABEL
        return next((t.name for t in self.themes if t.code == code), code)

    @property
    def codes(self) -> tuple[str, ...]:
        """Every theme a suggestion can carry: 形式主义 first, then the lists' order, ``其他`` last."""
        return (FORMALISM, *[t.code for t in self.themes], OTHER)


def _lines(name: str, folder: Path) -> list[str]:
    text = (folder / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def load_lexicon(folder: Path = DATA) -> Lexicon:
    """Read the lists from ``folder`` (the shipped ones by default)."""
    themes = []
    with (folder / "themes.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            words = frozenset(w.strip().lower() for w in row["关键词"].split("、") if w.strip())
            themes.append(Theme(row["代码"].strip(), row["主题"].strip(), row["仅单独出现"].strip() == "1", words))
    dictionary = [line.split()[0].lower() for line in _lines("dict.txt", folder)]
    urgent = frozenset(w.lower() for w in _lines("urgent.txt", folder))
    stop = frozenset(w.lower() for w in _lines("stopwords.txt", folder))
    words = tuple(dict.fromkeys([*dictionary, *[w for t in themes for w in sorted(t.keywords)], *sorted(urgent)]))
    # The segmenter's own dictionary counts too: another jieba release may cut words differently.
    digest = hashlib.sha256(f"{ANALYSER_VERSION} jieba {metadata.version('jieba')}".encode())
    for name in FILES:
        digest.update((folder / name).read_bytes())
    return Lexicon(tuple(themes), words, stop, urgent, digest.hexdigest()[:16])


@cache
def lexicon() -> Lexicon:
    """The shipped lists, read once per process."""
    return load_lexicon()
