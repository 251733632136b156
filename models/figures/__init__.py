"""One function per figure (DESIGN: one reading per figure).

Every figure the dashboard shows, the rules check, the evaluation scores and the reports print is
computed here, once; :mod:`models.progress`, :mod:`models.rules` and :mod:`models.evaluation` only
assemble what these modules return.

- ``period``: :class:`Period`, a campaign month or the whole campaign year.
- ``tree``: the organisation (departments, cities, county units, 附件1's pairings), read once.
- ``visits``: real days: the calendar days a visit's whole days fall on, counted distinct per
  department (or cadre), at county level or below only; a cadre's yearly target (pro-rated when he
  leaves, none when exempt by the 党组); one cadre in one place a day (:func:`visits.clashes`).
- ``monthly``: which 附件2 form counts for a county unit and month, and the figures read from it.
- ``deadlines``: a report's state (on time, late, missing, not yet due) and every expected form's state.
- ``outcomes``: the spot checks' findings.
- ``overview``: the overview's rows.
"""
