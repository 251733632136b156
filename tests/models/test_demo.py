"""The demo province: deterministic, complete, believable, and with its rule breaks planted."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session, col, func, select

import tests.factories as make
from models.clock import local
from models.db import make_engine
from models.demo import DemoParams, NotADemoDatabase, build_demo, demo_marker
from models.feedback import rebuild_rating_stats
from models.tables import (
    Activity,
    Branch,
    Cadre,
    Campaign,
    County,
    Department,
    Lecture,
    MonthlyReport,
    Photo,
    Rating,
    RatingStat,
    SpotCheck,
    Visit,
)
from tests.conftest import _pg_admin_engine, backends

SMALL = DemoParams(ratings=2_000, seed=7)


@pytest.fixture(scope="module", params=backends())
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """One demo build per backend for the read-only checks below (a build takes a second or two)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
        drop = None
    else:
        name = f"zhudian_demo_{uuid.uuid4().hex[:10]}"
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(admin.url).set(database=name).render_as_string(hide_password=False)

        def drop():
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    engine = make_engine(url)
    summary = build_demo(engine, SMALL)
    yield engine, summary
    engine.dispose()
    if drop:
        drop()


@pytest.fixture
def demo(built):
    engine, summary = built
    with Session(engine) as s:
        yield s, summary
        s.rollback()  # checks may flush (the roll-up rebuild); the shared demo stays as built


def fingerprint(session: Session) -> dict:
    """Every figure a user could notice, row by row."""
    return {
        "branches": session.exec(select(Branch.id, Branch.name, Branch.county_id, Branch.kind, Branch.member_count)
                                 .order_by(Branch.id)).all(),
        "visits": session.exec(select(Visit.id, Visit.department_id, Visit.county_id, Visit.start_date,
                                      Visit.full_days, Visit.max_meeting_size).order_by(Visit.id)).all(),
        "ratings": session.exec(select(Rating.branch_id, Rating.activity_id, Rating.score, Rating.suggestion,
                                       Rating.created_at).order_by(Rating.submission_id)).all(),
        "reports": session.exec(select(MonthlyReport.county_id, MonthlyReport.month, MonthlyReport.submitted_on,
                                       MonthlyReport.volunteer_rate).order_by(MonthlyReport.county_id,
                                                                             MonthlyReport.month)).all(),
    }


def test_same_seed_same_province_other_seed_another(engine):
    build_demo(engine, SMALL)
    with Session(engine) as s:
        first = fingerprint(s)
    build_demo(engine, SMALL)  # rebuilt in place: the earlier demo is replaced, not added to
    with Session(engine) as s:
        assert fingerprint(s) == first
        assert s.exec(select(func.count()).select_from(Rating)).one() == SMALL.ratings
    build_demo(engine, DemoParams(ratings=SMALL.ratings, seed=8))
    with Session(engine) as s:
        other = fingerprint(s)
    assert other["branches"] != first["branches"]
    assert other["ratings"] != first["ratings"]


def test_every_city_and_county_unit_has_branches_of_mixed_kinds(demo):
    s, _ = demo
    counties = s.exec(select(County.id)).all()
    per_county = dict(s.exec(select(Branch.county_id, func.count()).group_by(Branch.county_id)).all())
    assert set(per_county) == set(counties)
    assert min(per_county.values()) >= 3 and max(per_county.values()) <= 36
    kinds = set(s.exec(select(Branch.kind)).all())
    assert kinds == {"school", "rural", "community", "nonpublic", "social", "government", "other"}
    branch_names = s.exec(select(Branch.name)).all()
    assert all(n.endswith("团支部") for n in branch_names)
    assert any(re.search(r"中学(高|初)[一二三]（\d+）班团支部$", n) for n in branch_names)
    assert any(n.endswith("有限公司团支部") for n in branch_names)
    assert any(re.search(r"村团支部$", n) for n in branch_names)


def test_every_department_has_cadres(demo):
    s, _ = demo
    per_dept = s.exec(select(Cadre.department_id, func.count()).group_by(Cadre.department_id)).all()
    assert len(per_dept) == 15
    assert all(5 <= n <= 15 for _, n in per_dept)


def test_visits_mostly_keep_the_rules_and_break_them_on_purpose(demo):
    s, summary = demo
    visits = s.exec(select(Visit)).all()
    days = defaultdict(float)
    for v in visits:
        assert v.start_date.year == 2019 and 4 <= v.start_date.month <= 11
        days[(v.department_id, v.start_date.month)] += v.full_days
    assert len(days) == 15 * 8
    short = [k for k, d in days.items() if d < 3]
    assert short and len(short) <= 3  # a department with 2 days in a month, not many
    assert any(d == 2 for d in days.values())
    city_level = [v for v in visits if v.county_id is None]
    assert 1 <= len(city_level) <= 3
    assert sorted(v.id for v in city_level) == sorted(summary.city_level_visits)
    big = [v for v in visits if (v.max_meeting_size or 0) > 10]
    assert any(v.max_meeting_size == 15 for v in big) and len(big) <= 3


def test_spot_checks_with_some_failures(demo):
    s, _ = demo
    checks = s.exec(select(SpotCheck)).all()
    assert len(checks) > 100
    no_wechat = [c for c in checks if not c.wechat_ok]
    cannot_operate = [c for c in checks if not c.secretary_operates]
    assert 0 < len(no_wechat) < len(checks) / 3
    assert 0 < len(cannot_operate) < len(checks) / 3
    assert all("3/4" in c.notes for c in no_wechat)


def test_lectures_most_cadres_one_a_few_none(demo):
    s, _ = demo
    cadres = s.exec(select(Cadre.id)).all()
    per_cadre = dict(s.exec(select(Lecture.cadre_id, func.count()).group_by(Lecture.cadre_id)).all())
    ones = sum(1 for c in cadres if per_cadre.get(c) == 1)
    assert ones > len(cadres) / 2
    assert any(c not in per_cadre for c in cadres)


def test_monthly_forms_on_time_late_and_missing(demo):
    s, summary = demo
    reports = s.exec(select(MonthlyReport)).all()
    dept_names = dict(s.exec(select(Department.id, Department.name)).all())
    sent = {(dept_names[r.department_id], r.month) for r in reports}
    assert summary.missing_forms and not set(summary.missing_forms) & sent
    late = [r for r in reports if (r.submitted_on.year, r.submitted_on.month) > (r.year, r.month)]
    assert late and len(late) < len(reports) / 4
    # missing: fewer forms than departments × assigned county units × months
    assert len(reports) < s.exec(select(func.count()).select_from(County)).one() * 8
    assert all(80 <= r.volunteer_rate <= 98 for r in reports)
    assert all(r.nonpublic_baseline and r.social_baseline for r in reports)


def test_ratings_as_asked_positive_and_in_the_campaign(demo):
    s, _ = demo
    ratings = s.exec(select(Rating)).all()
    assert len(ratings) == SMALL.ratings
    mean = sum(r.score for r in ratings) / len(ratings)
    assert 3.8 < mean < 4.7
    assert {r.score for r in ratings} == {1, 2, 3, 4, 5}
    with_text = [r for r in ratings if r.suggestion]
    assert 0.25 < len(with_text) / len(ratings) < 0.55
    assert all(re.search(r"[\u4e00-\u9fff]", r.suggestion) for r in with_text)
    assert all(r.created_at.tzinfo is not None for r in ratings)
    with_photo = [r for r in ratings if r.photo_id is not None]
    assert with_photo and len(with_photo) < len(ratings) / 50
    photo = s.get(Photo, with_photo[0].photo_id)
    assert photo.mime == "image/jpeg" and photo.data[:2] == b"\xff\xd8"
    months = {local(r.created_at).month for r in ratings}
    assert months <= set(range(4, 12)) and len(months) >= 6
    assert all(local(r.created_at).year == 2019 for r in ratings)


def test_roll_up_equals_a_fresh_rebuild(demo):
    s, _ = demo

    def stats():
        return s.exec(select(RatingStat).order_by(RatingStat.branch_id, RatingStat.activity_id,
                                                  RatingStat.month)).all()

    built = [r.model_dump() for r in stats()]
    assert sum(r["count"] for r in built) == SMALL.ratings
    rebuild_rating_stats(s)
    s.expire_all()
    assert [r.model_dump() for r in stats()] == built


def test_rating_times_stored_as_sqlalchemy_stores_them(demo):
    s, _ = demo
    if s.get_bind().dialect.name != "sqlite":
        pytest.skip("the raw insert path is SQLite's")
    rating = s.exec(select(Rating).order_by(Rating.id).limit(1)).one()
    raw = s.connection().exec_driver_sql("SELECT created_at FROM rating WHERE id = ?", (rating.id,)).scalar_one()
    col_type = Rating.__table__.c.created_at.type  # type: ignore[attr-defined]
    dialect = s.get_bind().dialect
    assert raw == col_type.dialect_impl(dialect).bind_processor(dialect)(
        col_type.process_bind_param(rating.created_at, dialect))
    assert rating.created_at.tzinfo == UTC


def test_marker_records_the_parameters(built):
    engine, _ = built
    marker = demo_marker(engine)
    assert marker["params"] == SMALL.as_dict()
    assert marker["counts"]["rating"] == SMALL.ratings


def test_other_year(engine):
    build_demo(engine, DemoParams(ratings=200, seed=1, year=2021))
    build_demo(engine, DemoParams(ratings=200, seed=1, year=2020))  # replaces the 2021 demo
    with Session(engine) as s:
        assert s.get(Campaign, 2020) is not None
        assert s.get(Campaign, 2021) is None
        assert {v.start_date.year for v in s.exec(select(Visit))} == {2020}
        assert {local(r.created_at).year for r in s.exec(select(Rating))} == {2020}
        assert {a.held_on.year for a in s.exec(select(Activity))} == {2020}


def test_refuses_a_database_with_real_records(session, engine):
    real = make.branch(session, name="梅江区真实团支部")
    session.commit()
    with pytest.raises(NotADemoDatabase):
        build_demo(engine, SMALL)
    with Session(engine) as s:
        assert [b.name for b in s.exec(select(Branch))] == [real.name]
        assert s.exec(select(func.count()).select_from(Rating)).one() == 0
    assert demo_marker(engine) is None


def test_timestamps_do_not_depend_on_the_clock(engine, monkeypatch):
    import models.clock

    monkeypatch.setattr(models.clock, "now", lambda: datetime(2031, 1, 1, tzinfo=UTC))
    build_demo(engine, DemoParams(ratings=100, seed=2))
    with Session(engine) as s:
        assert all(r.created_at.year == 2019 for r in s.exec(select(Rating)))
        assert all(v.created_at.year == 2019 for v in s.exec(select(Visit)))


def test_new_records_after_the_demo_get_fresh_ids(engine):
    build_demo(engine, DemoParams(ratings=100, seed=3))
    s = Session(engine)
    # On PostgreSQL the demo's explicit ids must not leave the sequences behind.
    branch = make.branch(s, name="演示之后新建的团支部")
    v = make.visit(s, cadres=[make.cadre(s, name="新来的干部")])
    make.spot_check(s, v, branch)
    make.activity(s, branch)
    s.commit()
    assert branch.id == s.exec(select(func.max(Branch.id))).one()
    s.close()


def test_demo_shows_what_verification_changes(demo):
    """Spot-check live ratings beside many static ones, sourced and unsourced figures, checked and
    unchecked experiences, late and missing forms — and a ranking that differs once unverified data counts."""
    from models.evaluation import evaluate
    from models.provenance import report_provenance, verified_rating_ids
    from models.tables import CityPlan, Experience

    session, summary = demo
    ratings = session.exec(select(Rating.id)).all()
    verified = verified_rating_ids(session, ratings)
    assert summary.counts["verified_rating"] == len(verified) > 0
    assert len(ratings) - len(verified) > 5 * len(verified)  # plenty of static-link ratings
    sources = report_provenance(session, session.exec(select(MonthlyReport)).all())
    assert 0 < sum(p.verified for p in sources.values()) < len(sources)
    assert {p.text.split("：")[0] for p in sources.values() if p.text.startswith("实地核实")} == {"实地核实"}
    experiences = session.exec(select(Experience)).all()
    assert any(e.checked_visit_id for e in experiences) and any(not e.checked_visit_id for e in experiences)
    assert session.exec(select(func.count()).select_from(CityPlan)).one() == 21
    ev = evaluate(session, SMALL.year, today=datetime(2020, 2, 1).date())
    forms = [x for d in ev.departments for x in d.figures if x.key == "forms"]
    assert any("迟报 0" not in x.detail for x in forms) and any("未报 0" not in x.detail for x in forms)
    assert [c.id for c in sorted(ev.cities, key=lambda s: s.rank)] != \
        [c.id for c in sorted(ev.cities, key=lambda s: (s.rank_all, s.name))]
    assert any(c.exempt for c in ev.cadres)


def test_demo_system_figures_come_from_export_files_it_imported(demo):
    """Every form the demo says came from 智慧团建 or i志愿 is verified only through export files it wrote
    and imported (hash, rows, figures computed from them); the forms that merely name a file stay typed."""
    import json

    from models.provenance import SYSTEMS, report_provenance
    from models.tables import EvidenceFile, EvidenceUse

    session, summary = demo
    files = session.exec(select(EvidenceFile)).all()
    assert len(files) == summary.counts["evidencefile"] == 4 * len({(f.department_id, f.month) for f in files}) > 0
    assert {f.layout for f in files} == {"zhtj_orgs", "zhtj_members", "ivol_volunteers", "ivol_services"}
    assert all(len(f.sha256) == 64 and f.rows_used > 0 and f.skipped.endswith("（合计行）") for f in files)
    reports = session.exec(select(MonthlyReport).where(col(MonthlyReport.source).in_(SYSTEMS))).all()
    provs = report_provenance(session, reports, today=datetime(2020, 2, 1).date())
    backed = {u.report_id for u in session.exec(select(EvidenceUse))}
    assert {r.id for r in reports if provs[r.id].verified} == backed
    for use in session.exec(select(EvidenceUse)):
        report = session.get(MonthlyReport, use.report_id)
        assert all(getattr(report, k) == v for k, v in json.loads(use.values).items())
    assert any(not provs[r.id].verified and any("没有导入的导出文件" in x for x in provs[r.id].flags) for r in reports)
