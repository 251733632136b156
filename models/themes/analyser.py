"""One suggestion → its themes, keywords and urgent words.

Segmentation is jieba's default mode (its dictionary plus the domain words of the lexicon); a theme
is carried when one of its keywords is one of the suggestion's words (whole words, not substrings:
“社区” does not match inside “社区服务” unless both are listed). Keywords are ranked by TF-IDF on
the same cut: term frequency × ``log(total / frequency)`` with the frequencies of jieba's own
dictionary standing in for document frequencies. (``jieba.analyse.extract_tags`` cuts the text a
second time, and importing ``jieba.analyse`` costs 130 MB and 0.3 s more: measured, see README.)
"""

from __future__ import annotations

import logging
import math
import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any

from models.themes.formalism import formalism_hits
from models.themes.lexicon import FORMALISM, OTHER, Lexicon, lexicon

MAX_CHARS = 2000  # longer text is analysed on its first 2,000 characters (the survey allows 500)
KEYWORDS = 8
MEMO_LIMIT = 20_000  # identical suggestions ("很好") are analysed once; the memo is emptied when full


@dataclass(frozen=True)
class Analysis:
    themes: tuple[str, ...]  # codes, in the lexicon's order (形式主义 first); (OTHER,) when none matched
    keywords: tuple[str, ...]  # at most KEYWORDS content words, weightiest first
    urgent: tuple[str, ...]  # urgent words found, in text order


_WORDLIKE = re.compile(r"\w")  # a letter, digit or Chinese character: not punctuation or symbols only


class Analyser:
    """Analyses suggestions with one jieba tokenizer, built on first use (1–3 s), thread-safe."""

    def __init__(self, lex: Lexicon | None = None) -> None:
        self.lexicon = lex or lexicon()
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        self._memo: dict[str, Analysis] = {}
        self._idf: dict[str, float] = {}

    @property
    def tokenizer(self) -> Any:
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    self._tokenizer = self._build()
        return self._tokenizer

    def _build(self) -> Any:
        import jieba

        jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict…" lines would reach a --json pipe
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for word in self.lexicon.words:
            tokenizer.add_word(word)  # no frequency given: jieba picks one that keeps the word whole
        # Frequencies for the IDF part of the keyword weights (the tokenizer's public tables).
        self._freq, self._total = tokenizer.FREQ, tokenizer.total
        return tokenizer

    def words(self, text: str) -> list[str]:
        """The suggestion's words, normalised (NFKC, lower case), whitespace and punctuation kept out."""
        text = unicodedata.normalize("NFKC", text[:MAX_CHARS]).lower()
        # jieba cuts whitespace into tokens of its own: dropping those leaves no padded word.
        return [w for w in self.tokenizer.lcut(text) if not w.isspace()]

    def analyse(self, text: str) -> Analysis:
        found = self._memo.get(text)
        if found is None:
            found = self._analyse(text)
            if len(self._memo) >= MEMO_LIMIT:
                self._memo.clear()
                self._idf.clear()
            self._memo[text] = found
        return found

    def _analyse(self, text: str) -> Analysis:
        words = self.words(text)
        present = set(words)
        lex = self.lexicon
        themes = [t for t in lex.themes if not t.keywords.isdisjoint(present)]
        formalism = bool(formalism_hits(text[:MAX_CHARS]))
        if formalism or any(not t.alone for t in themes):
            themes = [t for t in themes if not t.alone]
        urgent = () if lex.urgent.isdisjoint(present) else tuple(dict.fromkeys(w for w in words if w in lex.urgent))
        counts: dict[str, int] = {}  # in order of first occurrence: ties keep the text's order
        stop, wordlike = lex.stop_words, _WORDLIKE.search
        for w in words:
            if len(w) >= 2 and w not in stop and wordlike(w):
                counts[w] = counts.get(w, 0) + 1
        idf = self._idf
        for w in counts:  # (not ``counts.keys() - idf.keys()``: that walks the whole memo every time)
            if w not in idf:
                idf[w] = math.log(self._total / max(self._freq.get(w) or 1, 1))
        keywords = tuple(sorted(counts, key=lambda w: -counts[w] * idf[w])[:KEYWORDS])
        codes = (*((FORMALISM,) if formalism else ()), *(t.code for t in themes))
        return Analysis(codes or (OTHER,), keywords, urgent)


_shared: Analyser | None = None
_shared_lock = threading.Lock()


def shared_analyser() -> Analyser:
    """The process's analyser (one tokenizer for the dashboard's workers and the commands)."""
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                _shared = Analyser()
    return _shared
