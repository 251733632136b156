"""A PDF as a reader sees it, through poppler-utils: each page's size (pdfinfo), text and word boxes
(pdftotext -bbox) and images (pdfimages). Text an office suite clipped is missing from the page's text;
text drawn over a row too short for it shows as words whose boxes overlap."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from tui.exports.pdf import office_program

A4_PT = (595.3, 841.9)
XHTML = "{http://www.w3.org/1999/xhtml}"

MISSING_TOOLS = [name for name, found in (("LibreOffice (soffice, Debian package libreoffice-calc)", office_program()),
                                          ("pdftotext/pdfinfo (Debian package poppler-utils)",
                                           shutil.which("pdftotext") and shutil.which("pdfinfo")))
                 if not found]
SKIP_REASON = "PDF checks need " + " and ".join(MISSING_TOOLS) if MISSING_TOOLS else ""


def squash(text: str) -> str:
    """Text without any white space: wrapping puts line breaks where the cell was narrow."""
    return "".join(text.split())


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Word) -> bool:
        """Printed over each other: the boxes meet by more than a third of a line (the glyph boxes of
        adjacent lines of CJK text touch by a point or so; overprinted lines meet by far more)."""
        line = min(self.y1 - self.y0, other.y1 - other.y0)
        return (min(self.x1, other.x1) - max(self.x0, other.x0) > 1.0
                and min(self.y1, other.y1) - max(self.y0, other.y0) > line / 3)


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    text: str
    words: list[Word] = field(default_factory=list)

    @property
    def flat(self) -> str:
        return squash(self.text)

    def has(self, text: str) -> bool:
        """``text`` is printed whole on this page: in reading order, or down one cell of a table (where
        reading order may mix in the neighbouring cells' lines)."""
        wanted = squash(text)
        return wanted in self.flat or any(wanted in p for p in self.paragraphs)

    @cached_property
    def paragraphs(self) -> list[str]:
        """The text of each block of lines set one under the other with the same left edge or centre,
        as a wrapped cell prints."""
        lines: list[list[Word]] = []
        for w in sorted(self.words, key=lambda w: (round(w.y0), w.x0)):
            line = lines[-1] if lines else None
            h = w.y1 - w.y0
            if line and abs(line[-1].y0 - w.y0) < 0.5 and 0 <= w.x0 - line[-1].x1 < 0.25 * h:
                line.append(w)  # the next word of the same line (a space apart)
            else:
                lines.append([w])
        chains: list[list[list[Word]]] = []
        for line in sorted(lines, key=lambda ln: ln[0].y0):
            x0, x1, y0 = line[0].x0, line[-1].x1, line[0].y0
            for chain in chains:
                last = chain[-1]
                h = last[0].y1 - last[0].y0
                above = -0.4 * h < y0 - last[0].y1 < 0.6 * h
                aligned = (any(abs(w.x0 - x0) < 1.5 for w in last)  # left edges (after a neighbour's word)
                           or abs((last[0].x0 + last[-1].x1) - (x0 + x1)) < 3)  # or centres
                if above and aligned:
                    chain.append(line)
                    break
            else:
                chains.append([line])
        return ["".join(squash(w.text) for line in chain for w in line) for chain in chains]

    @property
    def is_a4(self) -> bool:
        size = sorted((self.width, self.height))
        return abs(size[0] - A4_PT[0]) < 1 and abs(size[1] - A4_PT[1]) < 1

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    def overlapping(self) -> list[tuple[str, str]]:
        """Pairs of words printed over each other."""
        words = sorted(self.words, key=lambda w: w.y0)
        found = []
        for i, a in enumerate(words):
            for b in words[i + 1:]:
                if b.y0 >= a.y1:
                    break
                if a.overlaps(b):
                    found.append((a.text, b.text))
        return found


def read_pdf(path: Path) -> list[Page]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])
    sizes = subprocess.run(["pdfinfo", "-f", "1", "-l", str(count), str(path)], capture_output=True, text=True,
                           check=True).stdout
    dims = [(float(w), float(h)) for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", sizes, re.M)]
    texts = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    boxes = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    tree = ET.fromstring(boxes)
    pages = []
    for n, (element, text) in enumerate(zip(tree.iter(f"{XHTML}page"), texts.split("\f"), strict=False), 1):
        words = [Word(w.text or "", *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
                 for w in element.iter(f"{XHTML}word")]
        pages.append(Page(n, *dims[n - 1], text, words))
    assert len(pages) == count
    return pages


def images_per_page(path: Path) -> list[int]:
    """The page of every image drawn (an image split across two pages is listed on both)."""
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    return [int(line.split()[0]) for line in listing.splitlines()[2:] if line.strip()]


def pages_with(pages: list[Page], text: str) -> list[Page]:
    return [p for p in pages if p.has(text)]
