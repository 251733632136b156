"""System exports as evidence: the layouts of 智慧团建 and i志愿 exports, reading a file into figures
(personal columns never kept), the file's hash and rows used, and the evidence behind each figure.

- :mod:`layouts` — the recognised export layouts, by their header rows.
- :mod:`reading` — a file into its layout and the few values per row the figures need.
- :mod:`figures` — the 附件2 figures computed from those rows.
- :mod:`store` — ``zhudian import export``: keep the file as evidence, write its figures (audited).
- :mod:`records` — the evidence of scored records, for the evaluation's 依据记录.
"""

from models.evidence.layouts import LAYOUTS
from models.evidence.reading import ExportRejected
from models.evidence.records import Evidence, evidence
from models.evidence.store import ExportResult, import_export

__all__ = ["LAYOUTS", "Evidence", "ExportRejected", "ExportResult", "evidence", "import_export"]
