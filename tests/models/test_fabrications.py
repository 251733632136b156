"""Each way of faking 已核实 the issue found, tried through the product's own paths: none changes any
score or rank with the default targets; each is refused, or kept and marked, with a Chinese reason."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from models.evaluation import evaluate
from models.figures.deadlines import receipt
from models.importing import KINDS, ImportRejected, run_import
from models.importing.monthly import COLUMNS as MONTHLY_COLUMNS
from models.provenance import experience_provenance, lecture_provenance, report_provenance
from models.tables import Experience, Lecture, MonthlyReport, Target
from models.targets import targets_for
from tests import factories as f

END = date(2020, 1, 15)
YEARS_LATER = datetime(2026, 6, 15, 2, tzinfo=UTC)
MEIZHOU = ["梅江区", "梅县区", "兴宁市", "平远县", "蕉岭县", "大埔县", "丰顺县", "五华县"]
M_HEADERS = [c.header for c in MONTHLY_COLUMNS]
E_HEADERS = [c.header for c in KINDS["experiences"].columns]
L_HEADERS = ["部门", "授课干部", "授课日期", "地点", "授课人数", "题目"]


@pytest.fixture
def province(session):
    """Verified work that scores (a spot check with live ratings, an exported form, a promoted experience,
    a lecture), typed forms received on time for 梅州's other counties in May, no April forms."""
    zhang, li = f.cadre(session, "组织部", "张三"), f.cadre(session, "组织部", "李四")
    v = f.visit(session, "组织部", "梅州", "梅江区", start=date(2019, 5, 6), days=3, cadres=[zhang])
    late_visit = f.visit(session, "组织部", "梅州", "梅县区", start=date(2019, 9, 20), cadres=[li])
    b = f.branch(session, "梅江区")
    f.spot_check(session, v, b)
    for score in (5, 4, 3):
        f.live_rating(session, v, b, score)
    f.monthly_report(session, "组织部", "梅江区", 5, submitted_on=date(2019, 5, 30), league_members=900,
                     volunteer_rate=91, new_nonpublic_orgs=1, nonpublic_baseline=10,
                     source="智慧团建", source_file="梅江区团员.xlsx", source_date=date(2019, 5, 30))
    for county in MEIZHOU[1:]:
        f.monthly_report(session, "组织部", county, 5, submitted_on=date(2019, 5, 28), league_members=500,
                         volunteer_rate=40)
    f.experience(session, "组织部", "梅江区", "支部+网格", checked=v, by=zhang, promoted_on=date(2019, 9, 1))
    f.lecture(session, zhang, held_on=date(2019, 6, 1))
    f.city_plan(session, "梅州", date(2019, 5, 8))
    session.commit()
    return {"zhang": zhang, "li": li, "visit": v, "late_visit": late_visit}


def snapshot(session, today=END):
    ev = evaluate(session, 2019, today=today)
    return [(s.name, s.total, s.rank, [(x.key, x.score) for x in s.figures]) for s in [*ev.cities, *ev.departments]] \
        + [(c.name, c.met) for c in ev.cadres]


def load(session, tmp_path, kind, headers, rows, now=YEARS_LATER, **options):
    result = run_import(session, KINDS[kind], f.write_xlsx(tmp_path / f"{kind}.xlsx", headers, rows), now=now,
                        **options)
    session.commit()
    return result


def refused(session, tmp_path, kind, headers, rows, now=YEARS_LATER) -> list[str]:
    with pytest.raises(ImportRejected) as info:
        load(session, tmp_path, kind, headers, rows, now)
    session.rollback()
    return [str(e) for e in info.value.errors]


def monthly(**over):
    row = dict.fromkeys(M_HEADERS, "")
    row.update({"部门": "组织部", "地市": "梅州", "月份": "2019-05"})
    row.update(over)
    return [row[h] for h in M_HEADERS]


def report(session, county, month=5) -> MonthlyReport:
    return session.exec(select(MonthlyReport).where(MonthlyReport.county_id == f.county(session, county).id,
                                                    MonthlyReport.month == month)).one()


def test_a_typed_figure_beside_a_made_up_file_is_never_verified(session, tmp_path, province):
    before = snapshot(session)
    rows = [monthly(**{"县（市、区）": c, "数据来源": "智慧团建", "来源文件": "随便写的.xlsx", "导出日期": "2019-05-31",
                       "本月新建团非公企业数": 80, "本月新增非公企业团员数": 80, "本月新建团社会组织数": 80,
                       "本月新增社会组织团员数": 80, "注册志愿者比例（%）": 100})
            for c in MEIZHOU[1:]]
    result = load(session, tmp_path, "monthly", M_HEADERS, rows)
    assert result.updated == 7
    assert all("这些数字是手工填写的，不是从导出文件读出的：标记为未核实，不计入评价" in w for w in result.warnings)
    assert snapshot(session) == before
    prov = report_provenance(session, [report(session, "梅县区")], today=END)
    [p] = prov.values()
    assert not p.verified and "填写的来源“智慧团建”（随便写的.xlsx）没有导入的导出文件，数字为手工填写" in p.flags
    assert any(flag.startswith("报送后修改（2026-06-15）") for flag in p.flags)  # changed years after the deadline


def test_a_check_after_the_form_was_received_does_not_verify(session, tmp_path, province):
    before = snapshot(session)
    result = load(session, tmp_path, "monthly", M_HEADERS, [
        monthly(**{"县（市、区）": "梅县区", "数据来源": "实地核实", "核实干部": "李四", "核实驻点日期": "2019-09-20"})])
    assert result.warnings == ["第2行 核实驻点（09月20日）晚于报表收到日期（05月28日），不算实地核实：标记为未核实，不计入评价"]
    assert snapshot(session) == before
    [p] = report_provenance(session, [report(session, "梅县区")], today=END).values()
    assert not p.verified and "核实驻点（09月20日）晚于报表收到日期（05月28日），不算实地核实" in p.flags


def test_an_empty_experience_and_a_backdated_promotion_are_refused(session, tmp_path, province):
    before = snapshot(session)
    errors = refused(session, tmp_path, "experiences", E_HEADERS, [
        ["组织部", "梅州", "梅江区", 2019, "好", "", "张三", "2019-05-06", "2019-04-15", "会", "某"],
        ["组织部", "梅州", "梅江区", 2019, "好2", "做法", "张三", "2019-05-06", "2019-04-15", "会", "某"]])
    assert errors == ["第2行“经验内容”列：必填项为空",
                      "第3行“推广日期”列（值：2019-04-15）：早于实地核实的驻点（2019-05-06）：须先核实，后推广"]
    assert snapshot(session) == before


def test_experiences_recorded_elsewhere_count_only_with_text_and_in_order(session, province):
    """The same rules where no import stands in the way (a record written by another face)."""
    before = snapshot(session)
    v, zhang = province["visit"], province["zhang"]
    backdated = f.experience(session, "组织部", "梅江区", "倒签推广", checked=v, by=zhang, promoted_on=date(2019, 4, 15))
    empty = f.experience(session, "组织部", "梅江区", "空的", checked=v, by=zhang, promoted_on=date(2019, 9, 1))
    empty.text = " "
    session.commit()
    assert snapshot(session) == before
    prov = experience_provenance(session, [backdated, empty], today=END)
    assert prov[backdated.id].verified and not prov[backdated.id].promoted
    assert prov[backdated.id].flags == ("推广（04月15日）早于实地核实（05月06日），不计为推广",)
    assert (prov[empty.id].verified, prov[empty.id].flags) == (False, ("经验内容为空：没有可核实的做法",))


def test_a_typed_receipt_on_an_empty_row_is_not_a_form(session, tmp_path, province):
    before = snapshot(session)
    rows = [monthly(**{"县（市、区）": c, "月份": "2019-04", "报送日期": "2019-04-30"}) for c in MEIZHOU]
    errors = refused(session, tmp_path, "monthly", M_HEADERS, rows)
    assert len(errors) == 8 and all("空行不是报送的报表" in e for e in errors)
    assert snapshot(session) == before
    assert session.exec(select(MonthlyReport).where(MonthlyReport.month == 4)).all() == []


def test_a_typed_receipt_on_a_real_form_counts_on_the_systems_stamp(session, tmp_path, province):
    load(session, tmp_path, "monthly", M_HEADERS,
         [monthly(**{"县（市、区）": "梅江区", "月份": "2019-04", "报送日期": "2019-04-30", "团员数": 900})])
    r = report(session, "梅江区", 4)
    assert (r.claimed_on, r.submitted_on, receipt(r)) == (date(2019, 4, 30), date(2026, 6, 15), date(2026, 6, 15))
    forms = next(x for d in evaluate(session, 2019, today=YEARS_LATER.date()).departments if d.name == "组织部"
                 for x in d.figures if x.key == "forms")
    assert forms.detail.startswith("按时 8、迟报 1")  # May's eight on time; the April form late, not on time


def test_lectures_before_the_plan_or_in_the_future_are_refused(session, tmp_path, province):
    before = snapshot(session)
    errors = refused(session, tmp_path, "lectures", L_HEADERS, [
        ["组织部", "李四", "2019-01-03", "团省委机关会议室", 1, "党课"]], now=datetime(2019, 6, 15, 2, tzinfo=UTC))
    assert errors == ["第2行“授课日期”列（值：2019-01-03）：早于实施方案印发日期（2019-04-12）：方案印发前的党团课不计入"]
    errors = refused(session, tmp_path, "lectures", L_HEADERS, [
        ["组织部", "李四", "2019-12-31", "梅州市委党校", 60, "党课"]], now=datetime(2019, 6, 15, 2, tzinfo=UTC))
    assert errors == ["第2行“授课日期”列（值：2019-12-31）：在今天（2019-06-15）之后：党团课讲过之后再录入"]
    assert snapshot(session) == before


def test_a_lecture_to_one_listener_in_an_office_is_kept_and_flagged(session, tmp_path, province):
    result = load(session, tmp_path, "lectures", L_HEADERS, [["组织部", "李四", "2019-06-03", "团省委机关会议室", 1, "党课"]],
                  now=datetime(2019, 6, 15, 2, tzinfo=UTC))
    assert result.warnings == ["第2行 已记录，但标记为存疑、不计入：授课地点“团省委机关会议室”是机关办公场所，不是团员青年聚集地"]
    lec = session.exec(select(Lecture).where(Lecture.cadre_id == province["li"].id)).one()
    assert lec.received_at == datetime(2019, 6, 15, 2, tzinfo=UTC)  # recorded by the import, on the system's clock
    [p] = lecture_provenance([lec], targets_for(session, 2019), today=END).values()
    assert not p.verified and p.text.startswith("未核实：授课地点")
    lec.place = "梅州市委党校"
    assert "听课团员青年 1 人，少于 5 人" in lecture_problem_of(session, lec)


def lecture_problem_of(session, lec):
    [p] = lecture_provenance([lec], targets_for(session, 2019), today=END).values()
    return p.flags[0]


NEEDS_EVALUATION = pytest.mark.xfail(
    strict=True, reason="the evaluation must read lectures through models.provenance.lecture_provenance and "
                        "receipts through models.figures.deadlines.receipt (the lead's issue 20)")



def test_flagged_or_future_lectures_change_no_score(session, province):
    before = snapshot(session, today=date(2019, 6, 15))
    li = province["li"]
    session.add(Lecture(cadre_id=li.id, held_on=date(2019, 6, 3), place="团省委机关会议室", audience=1, title="党课"))
    session.add(Lecture(cadre_id=li.id, held_on=date(2019, 12, 31), place="梅州市委党校", audience=60, title="党课"))
    session.commit()
    assert snapshot(session, today=date(2019, 6, 15)) == before



def test_an_empty_form_recorded_elsewhere_changes_no_score(session, province):
    before = snapshot(session)
    for county in MEIZHOU:
        f.monthly_report(session, "组织部", county, 4, submitted_on=date(2019, 4, 30))
    session.commit()
    assert all(receipt(r) is None for r in session.exec(select(MonthlyReport).where(MonthlyReport.month == 4)))
    assert snapshot(session) == before


def test_a_change_after_the_deadline_is_kept_and_marked(session, tmp_path, province):
    load(session, tmp_path, "monthly", M_HEADERS, [monthly(**{"县（市、区）": "梅县区", "团员数": 520})])
    r = report(session, "梅县区")
    assert r.league_members == 520 and r.submitted_on == date(2019, 5, 28)  # the first receipt stands
    [p] = report_provenance(session, [r], today=END).values()
    assert "报送后修改（2026-06-15）" in p.flags


def test_backfill_is_kept_as_such_and_not_on_time_by_default(session, tmp_path, province):
    load(session, tmp_path, "monthly", M_HEADERS,
         [monthly(**{"县（市、区）": "梅江区", "月份": "2019-06", "报送日期": "2019-06-28", "团员数": 900})],
         backfill="2019年纸质报表，系统启用前")
    r = report(session, "梅江区", 6)
    t = targets_for(session, 2019)
    assert r.backfill_reason == "2019年纸质报表，系统启用前" and receipt(r, t) == date(2026, 6, 15)
    [p] = report_provenance(session, [r], today=END).values()
    assert "补录（2019年纸质报表，系统启用前）" in p.flags
    session.exec(select(Target).where(Target.year == 2019, Target.key == "backfill_on_time")).one().value = 1
    session.commit()
    assert receipt(r, targets_for(session, 2019)) == date(2019, 6, 28)


def test_experience_without_a_check_cannot_record_a_promotion(session, tmp_path, province):
    errors = refused(session, tmp_path, "experiences", E_HEADERS, [
        ["组织部", "梅州", "梅江区", 2019, "未核实", "做法", "", "", "2019-09-01", "现场会", "基层组织建设部"]])
    assert errors == ["第2行“推广日期”列（值：2019-09-01）：尚未实地核实的经验不能记录推广：须先经驻点核实，再推广"]
    assert session.exec(select(Experience).where(Experience.title == "未核实")).first() is None


def test_the_monthly_form_marks_unverified_and_amended_figures(session, tmp_path, province):
    from models.monthly_form import build_form

    load(session, tmp_path, "monthly", M_HEADERS, [monthly(**{"县（市、区）": "梅县区", "注册志愿者比例（%）": 99})])
    form = build_form(session, f.county(session, "梅县区"), 2019, 5)
    assert form.volunteer_rate == "99（未核实，报送后修改）"
    verified = build_form(session, f.county(session, "梅江区"), 2019, 5)
    assert verified.volunteer_rate == "91" and verified.new_nonpublic == "1 个 / 未录入"


def test_the_yearly_baseline_changes_only_with_an_approver(session, tmp_path, province):
    row = {"县（市、区）": "梅江区", "月份": "2019-06", "团员数": 900, "非公企业任务底数": 12}
    errors = refused(session, tmp_path, "monthly", M_HEADERS, [monthly(**row)])
    assert errors == ["第2行“非公企业任务底数”列（值：12）：任务底数每年确定一次（已为 10）：修改须填写任务底数调整批准人和批准日期"]
    load(session, tmp_path, "monthly", M_HEADERS, [monthly(**row, 任务底数调整批准人="基层组织建设部 王部长",
                                                           任务底数调整批准日期="2019-06-10")])
    from models.monthly_form import build_form

    form = build_form(session, f.county(session, "梅江区"), 2019, 6)
    assert form.nonpublic_baseline == "12 个（年内调整，经基层组织建设部 王部长于2019-06-10批准）"


def test_lecture_materials_count_from_their_upload_or_import_never_a_typed_date(session, tmp_path, province):
    from models.figures.deadlines import materials_receipts
    from models.tables import LectureMaterial

    zhang = province["zhang"]
    uploaded = f.lecture(session, zhang, held_on=date(2019, 6, 2), title="手机页面录入")
    session.add(LectureMaterial(lecture_id=uploaded.id, filename="课件.pdf", mime="application/pdf", data=b"%PDF-1.4",
                                created_at=datetime(2019, 12, 30, 3, tzinfo=UTC)))
    typed = f.lecture(session, zhang, held_on=date(2019, 6, 3), title="只填了日期")
    typed.materials, typed.materials_claimed_on = "课件.pptx", date(2019, 12, 1)
    session.commit()
    got = materials_receipts(session, [uploaded, typed])
    assert got == {uploaded.id: date(2019, 12, 30), typed.id: None}
