"""The one cleaner for text a person typed (members' suggestions, cadres' notes, names in imports).

Used wherever such text is stored or shown (the dashboard's cells, the survey form): control
characters (ESC included), zero-width and bidirectional formatting characters are removed, line
ends become ``\\n``, tabs a space, and the text is NFC-normalised; everything else, emoji and
brackets included, is kept exactly as typed.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls except tab/newline/CR (handled first), DEL and C1, zero-width and bidi controls,
# invisible operators, the deprecated format characters and the BOM.
INVISIBLE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
)


def clean_text(value: object, *, multiline: bool = False) -> str:
    """``value`` as text safe to store and show; one line (whitespace runs → one space) unless ``multiline``."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    # Removed before normalising, so that NFC sees the characters that will stay side by side.
    text = unicodedata.normalize("NFC", INVISIBLE.sub("", text))
    if not multiline:
        text = " ".join(text.split())
    return text.strip()
