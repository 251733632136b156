"""Cell safety for the files written here: formula safety (the one rule in :mod:`models.safety`) and
characters a workbook cannot hold.

openpyxl refuses a string holding a C0 control character (IllegalCharacterError), so one ESC in a
lecture title or an imported name would stop a whole official report. Stored text is cleaned when it
enters (``models.text.clean_text``), but a database written by an older version, or by hand, may
still hold such characters: every text cell written through :func:`neutralise` loses them here
(the same set the one cleaner removes; line breaks and tabs are kept).
"""

from typing import Any

from models.safety import FORMULA_STARTS, neutralise_sql
from models.safety import neutralise as _formula_safe
from models.text import INVISIBLE

__all__ = ["FORMULA_STARTS", "cell_safe", "neutralise", "neutralise_sql"]


def cell_safe(value: Any) -> Any:
    """``value`` without the characters a workbook cannot hold or a reader cannot see."""
    return INVISIBLE.sub("", value) if isinstance(value, str) else value


def neutralise(value: Any) -> Any:
    """``value`` safe for a spreadsheet cell: no control characters, no formula; non-text passes."""
    return _formula_safe(cell_safe(value))
