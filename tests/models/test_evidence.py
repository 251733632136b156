"""System exports as evidence: each recognised layout, messy as real exports are (a merged title row,
GB18030, a 合计 row), read into the figures of 附件2; the file kept by its hash, never its people."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import SQLModel, select

from models.evaluation import evaluate
from models.evidence import ExportRejected, evidence, import_export
from models.provenance import report_provenance
from models.tables import Activity, Branch, EvidenceFile, MonthlyReport
from tests import factories as f
from tests.models import exports

NOW = datetime(2019, 6, 1, 2, 0, tzinfo=UTC)  # 10:00 on 1 June in China
MAY31 = date(2019, 5, 31)


def bring(session, path, system="智慧团建", county="梅江区", **options):
    options.setdefault("exported", MAY31)
    options.setdefault("now", NOW)
    result = import_export(session, path, system=system, department="组织部", county=county, actor="组织部 张三",
                           **options)
    session.commit()
    return result


def report(session, county="梅江区", month=5) -> MonthlyReport:
    return session.exec(select(MonthlyReport).where(MonthlyReport.county_id == f.county(session, county).id,
                                                    MonthlyReport.month == month)).one()


def test_organisation_list_gives_branches_without_secretary_and_new_orgs(session, tmp_path):
    result = bring(session, exports.orgs(tmp_path / "梅江区团组织.xlsx"))
    assert result.layout == "zhtj_orgs"
    assert result.rows_total == 11 and result.rows_used == 9  # 合计 left out, 团总支 not a branch
    assert result.skipped == ["第13行（合计行）"]
    r = report(session)
    assert (r.branches_without_cadre, r.new_nonpublic_orgs, r.new_social_orgs) == (2, 2, 1)
    assert r.submitted_on == date(2019, 6, 1) and r.received_at is not None  # stamped by the system
    names = set(session.exec(select(Branch.name).where(Branch.county_id == f.county(session, "梅江区").id)).all())
    assert {f"梅江区第{i}团支部" for i in range(1, 10)} <= names
    prov = report_provenance(session, [r], today=date(2019, 6, 2))[r.id]
    assert prov.verified and "智慧团建导出（梅江区团组织.xlsx，2019-05-31，SHA-256 " in prov.text


def test_member_list_in_gb18030_csv_gives_members_and_new_members(session, tmp_path):
    bring(session, exports.members(tmp_path / "团员.csv", n=40, csv_file=True))
    r = report(session)
    assert (r.league_members, r.new_nonpublic_members, r.new_social_members) == (40, 3, 2)


def test_volunteer_rate_and_service_per_member_over_the_member_list(session, tmp_path):
    with pytest.raises(ExportRejected, match="请先导入该县区2019年5月的智慧团建团员列表"):
        bring(session, exports.volunteers(tmp_path / "志愿者.xlsx"), system="i志愿")
    session.rollback()
    bring(session, exports.members(tmp_path / "团员.xlsx", n=40))
    bring(session, exports.volunteers(tmp_path / "志愿者.xlsx", n_members=36), system="i志愿")
    bring(session, exports.services(tmp_path / "服务.xlsx"), system="i志愿")
    r = report(session)
    assert r.volunteer_rate == 90.0  # 36 of 40; the one registered in June is not yet counted
    assert (r.service_times_per_capita, r.service_hours_per_capita) == (0.75, 2.25)  # 30 services, 90 h / 40
    prov = report_provenance(session, [r], today=date(2019, 6, 2))[r.id]
    assert prov.verified and prov.records["evidencefile"] and len(prov.records["evidencefile"]) == 3


def test_activity_records_become_what_the_members_form_offers(session, tmp_path):
    from models.links import recent_activities

    bring(session, exports.activities(tmp_path / "三会两制一课.xlsx"))
    acts = session.exec(select(Activity).order_by(Activity.held_on)).all()
    assert [(a.name, a.kind) for a in acts] == [("五四主题团日：青春心向党", "主题团日"), ("5月支部大会", "支部大会"),
                                              ("团课：学习习近平总书记“7·2”重要讲话", "团课")]
    assert all(a.evidence_id for a in acts)
    branch = session.exec(select(Branch).where(Branch.name == "梅江区第1团支部")).one()
    assert {a.name for a in recent_activities(session, branch.id)} == {"五四主题团日：青春心向党",
                                                                       "团课：学习习近平总书记“7·2”重要讲话"}


def test_no_personal_column_is_stored(session, tmp_path, engine):
    bring(session, exports.orgs(tmp_path / "组织.xlsx"))
    bring(session, exports.members(tmp_path / "团员.xlsx", n=40))
    bring(session, exports.volunteers(tmp_path / "志愿者.xlsx"), system="i志愿")
    bring(session, exports.services(tmp_path / "服务.xlsx"), system="i志愿")
    dump = []
    with engine.connect() as conn:
        for table in ("evidencefile", "evidenceuse", "monthlyreport", "branch", "activity", "auditentry"):
            dump += [repr(tuple(row)) for row in conn.execute(SQLModel.metadata.tables[table].select())]
    blob = "\n".join(dump)
    for i in range(40):
        name, idno, phone = exports.person(i)
        assert name not in blob and idno not in blob and phone not in blob
    assert "王老师" not in blob and "13900000000" not in blob
    ev = session.exec(select(EvidenceFile).where(EvidenceFile.layout == "zhtj_members")).one()
    assert "姓名" not in ev.columns and "身份证号" not in ev.columns


def test_same_file_again_changes_nothing_and_another_county_or_month_is_refused(session, tmp_path):
    path = exports.orgs(tmp_path / "组织.xlsx")
    first = bring(session, path)
    assert bring(session, path).outcome == "unchanged"
    assert len(session.exec(select(EvidenceFile)).all()) == 1
    with pytest.raises(ExportRejected, match="同一文件不能再作为其他县区或月份的依据") as info:
        bring(session, path, county="梅县区")
    assert "梅江区 2019年5月" in info.value.message
    session.rollback()
    with pytest.raises(ExportRejected, match="同一文件不能再作为其他县区或月份的依据"):
        bring(session, path, month=(2019, 6), exported=date(2019, 6, 30), now=datetime(2019, 7, 1, tzinfo=UTC))
    session.rollback()
    assert session.get(EvidenceFile, first.evidence_id).sha256 == first.sha256


def test_unrecognised_layout_names_the_missing_columns_and_imports_nothing(session, tmp_path):
    path = exports.write_export(tmp_path / "乱.xlsx", "某表", ["序号", "姓名", "所在团支部", "手机号"], [[1, "甲", "x", "1"]])
    with pytest.raises(ExportRejected) as info:
        bring(session, path)
    assert "无法识别文件“乱.xlsx”的导出格式" in info.value.message
    assert "最接近的是智慧团建团员列表，缺少列：单位类别、加入本组织时间" in info.value.message
    session.rollback()
    assert session.exec(select(EvidenceFile)).all() == [] and session.exec(select(MonthlyReport)).all() == []


def test_a_bad_row_imports_nothing_and_is_named(session, tmp_path):
    path = exports.write_export(tmp_path / "服务.xlsx", "记录", exports.SERVICE_HEADERS,
                                [["甲", "1", "共青团员", "x", date(2019, 5, 1), "三小时"],
                                 ["乙", "2", "共青团员", "x", "2019年5月32日", 2]])
    bring(session, exports.members(tmp_path / "团员.xlsx", n=10))
    with pytest.raises(ExportRejected) as info:
        bring(session, path, system="i志愿")
    assert [(e.row, e.column, e.reason) for e in info.value.errors] == [
        (3, "服务时长（小时）", "不是数字"), (4, "服务日期", "日期不存在")]
    session.rollback()
    assert len(session.exec(select(EvidenceFile)).all()) == 1


def test_wrong_system_future_export_and_export_before_the_month_are_refused(session, tmp_path):
    path = exports.orgs(tmp_path / "组织.xlsx")
    with pytest.raises(ExportRejected, match="是智慧团建团组织列表的导出格式，与 --system i志愿 不符"):
        bring(session, path, system="i志愿")
    with pytest.raises(ExportRejected, match="在今天（2019-06-01）之后"):
        bring(session, path, exported=date(2019, 6, 20))
    with pytest.raises(ExportRejected, match="早于 2019年6月"):
        bring(session, path, month=(2019, 6))


def test_a_typed_figure_over_an_exported_one_is_no_longer_verified(session, tmp_path):
    bring(session, exports.members(tmp_path / "团员.xlsx", n=40))
    r = report(session)
    r.league_members = 4000
    session.commit()
    prov = report_provenance(session, [r], today=date(2019, 6, 2))[r.id]
    assert not prov.verified and prov.text.startswith("未核实（部分核实：智慧团建导出（团员.xlsx")
    assert prov.text.endswith("手工填写：团员数）") and not prov.counts("league_members")
    assert prov.counts("new_nonpublic_members")


def test_evidence_of_a_figure_names_file_system_date_hash_and_rows(session, tmp_path):
    result = bring(session, exports.orgs(tmp_path / "组织.xlsx"))
    [item] = evidence(session, {"monthlyreport": [report(session).id]}, today=date(2019, 6, 2))
    assert item.verified and item.received == date(2019, 6, 1)
    [file] = item.files
    assert (file["file"], file["system"], file["exported_on"], file["sha256"], file["rows_used"]) == \
        ("组织.xlsx", "智慧团建", "2019-05-31", result.sha256, 9)


def test_exported_figures_score_in_the_evaluation(session, tmp_path):
    bring(session, exports.members(tmp_path / "团员.xlsx", n=40))
    bring(session, exports.volunteers(tmp_path / "志愿者.xlsx", n_members=36), system="i志愿")
    ev = evaluate(session, 2019, today=date(2020, 1, 15))
    meizhou = next(c for c in ev.cities if c.name == "梅州")
    rate = next(x for x in meizhou.figures if x.key == "volunteer_rate")
    assert rate.actual == 90.0 and rate.score == 100.0


def test_a_city_wide_export_is_split_by_its_county_column(session, tmp_path):
    headers = ["组织名称", "组织类型", "单位类别", "成立日期", "团支部书记", "所属县区"]
    rows = [["甲团支部", "团支部", "非公企业", date(2019, 5, 2), "", "梅江区"],
            ["乙团支部", "团支部", "学校", date(2010, 5, 2), "某", "梅县区"],
            ["丙团支部", "团支部", "社会组织", date(2019, 5, 9), "某", "梅县区"]]
    path = exports.write_export(tmp_path / "梅州团组织.xlsx", "梅州市团组织", headers, rows)
    result = import_export(session, path, system="智慧团建", exported=MAY31, department="组织部", city="梅州",
                           now=NOW)
    session.commit()
    assert result.figures == {
        "梅江区": {"branches_without_cadre": 1, "new_nonpublic_orgs": 1, "new_social_orgs": 0},
        "梅县区": {"branches_without_cadre": 0, "new_nonpublic_orgs": 0, "new_social_orgs": 1}}
    assert (report(session, "梅县区").new_social_orgs, report(session, "梅江区").new_nonpublic_orgs) == (1, 1)
    bad = exports.write_export(tmp_path / "错县区.xlsx", "x", headers, [["丁团支部", "团支部", "学校", date(2010, 1, 1), "",
                                                                      "梅花区"]])
    with pytest.raises(ExportRejected, match="“所属县区”有误，未导入任何数据：第3行：未找到梅州市的县（市、区）/镇街“梅花区”"):
        import_export(session, bad, system="智慧团建", exported=MAY31, department="组织部", city="梅州", now=NOW)
