"""What a member's answer writes, in one transaction committed before the member is thanked."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import delete

from models.feedback import store, store_photo
from models.links import has_room
from models.tables import Photo
from survey.db import writing
from survey.photos import CleanPhoto

Outcome = Literal["stored", "full"]


def save(rating: dict[str, Any], *, max_responses: int | None = None, photo: CleanPhoto | None = None) -> Outcome:
    """Store ``rating`` (from ``models.feedback.rating_values``) with its photo, and commit.

    ``"full"``: a capped link had no place left (its last places went to other members while this
    one was typing). A retry of a stored submission id stores nothing and is ``"stored"``.
    Database errors propagate: the member gets the busy page with the answer kept.
    """
    with writing() as connection:
        if max_responses is not None and not has_room(connection, rating["link_id"], max_responses):
            return "full"
        values = dict(rating)
        if photo is not None:
            values["photo_id"] = store_photo(connection, mime=photo.mime, width=photo.width,
                                             height=photo.height, data=photo.data)
        if store(connection, values) is None and photo is not None:
            # The same answer won a race on another server: no stray second photo.
            connection.execute(delete(Photo).where(Photo.id == values["photo_id"]))
    return "stored"
