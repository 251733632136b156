"""Formula safety for the files written here: the one rule lives in :mod:`models.safety`."""

from models.safety import FORMULA_STARTS, neutralise, neutralise_sql

__all__ = ["FORMULA_STARTS", "neutralise", "neutralise_sql"]
