"""The hostile-input properties of the form and the importers, with many more examples
(``ZHUDIAN_STRESS_EXAMPLES``, 60 by default in CI; thousands for a deep run)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings

from tests.models import test_import_hostile as imports
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


@deep
@given(sheet=imports.sheets)
def test_import_sheets_deep(session, sheet):
    with tempfile.TemporaryDirectory() as tmp:
        imports.check_sheet(session, Path(tmp), sheet)


@deep
@given(case=imports.broken)
def test_import_broken_files_deep(session, case):
    with tempfile.TemporaryDirectory() as tmp:
        imports.check_broken(session, Path(tmp), case)
