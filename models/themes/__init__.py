"""Members' suggestions turned into themes a meeting can decide on (issue 17).

- :mod:`models.themes.lexicon`: the word lists kept as data in ``models/data/text``.
- :mod:`models.themes.analyser`: one suggestion → its themes, keywords and urgent words (jieba).
- :mod:`models.themes.store`: :func:`analyse_pending` analyses each rating once and keeps the result.
- :mod:`models.themes.query`: themes per scope and period, their suggestions, the flagged ones.
- :mod:`models.themes.brief`: the monthly brief (the report and ``zhudian feedback themes``).

Nothing here imports jieba at import time: its dictionary (about 0.5 s and 60 MB) is loaded by the
first analysis, in the dashboard's worker thread or the command that needs it.
"""
