"""The hostile-input properties of the form and the importers, with many more examples
(``ZHUDIAN_STRESS_EXAMPLES``, 60 by default in CI; thousands for a deep run)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from tests.stress.conftest import HOSTILE_EXAMPLES
from tests.survey import test_hostile_form as form

pytestmark = pytest.mark.stress

deep = settings(max_examples=HOSTILE_EXAMPLES)


@deep
@given(body=form.bodies)
def test_form_bodies_deep(app, scene, engine, body):
    form.check_body(app, scene, engine, body)


@deep
@given(req=form.requests_)
def test_form_requests_deep(app, scene, engine, req):
    form.check_request(app, scene, engine, req)


@deep
@given(forge=form.forgeries)
def test_form_forgeries_deep(app, scene, engine, forge):
    form.check_forgery(app, scene, engine, forge)


@deep
@given(live=form.live_codes)
def test_live_codes_deep(app, scene, engine, live):
    form.check_live(app, scene, engine, live)
