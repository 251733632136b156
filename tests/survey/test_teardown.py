"""Closing the request's session when the database went away mid-request must not raise."""

from flask import Flask, g
from sqlalchemy.exc import OperationalError

from survey.db import close_session


class DeadSession:
    invalidated = False

    def close(self) -> None:
        raise OperationalError("ROLLBACK", {}, Exception("terminating connection due to administrator command"))

    def invalidate(self) -> None:
        self.invalidated = True


def test_close_session_survives_a_dead_connection():
    app = Flask(__name__)
    with app.app_context():
        dead = DeadSession()
        g.db_session = dead
        close_session()  # must not raise: the response is already made
        assert dead.invalidated and "db_session" not in g
