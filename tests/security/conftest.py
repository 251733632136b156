"""The security review's fixtures: the survey app and scene, and the real server."""

from tests.serving import serve  # noqa: F401
from tests.survey.conftest import app, client, make_app, scene, secret_file  # noqa: F401
