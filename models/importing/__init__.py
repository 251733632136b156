"""Imports of the records departments keep in spreadsheets: one module per kind, a shared core.

``KINDS`` maps the command-line name to its spec; :func:`run_import` validates the whole file and
writes it (all or nothing, audited); :func:`write_template` writes the matching XLSX template.
"""

from __future__ import annotations

from models.importing import (
                                                          branches,
                                                          cadres,
                                                          experiences,
                                                          lectures,
                                                          monthly,
                                                          plans,
                                                          projects,
                                                          spotchecks,
                                                          visits,
)
from models.importing.core import ImportRejected, ImportResult, Kind, RowError, run_import
from models.importing.template import write_template

KINDS: dict[str, Kind] = {k.KIND.name: k.KIND for k in (cadres, visits, spotchecks, lectures, branches, monthly,
                                                          projects, experiences, plans)}

__all__ = ["KINDS", "ImportRejected", "ImportResult", "Kind", "RowError", "run_import", "write_template"]
