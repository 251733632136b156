from collections import Counter

from sqlmodel import func, select

from models.reference import assignment_pairs, load_reference
from models.tables import Assignment, City, County, Department

SEED_ATTACHMENT_1 = {
    "办公室": ["中山"],
    "组织部": ["梅州", "清远"],
    "宣传部": ["广州", "佛山"],
    "权益与社会工作部": ["汕尾"],
    "基层组织建设部": ["深圳", "韶关", "惠州"],
    "青年发展部": ["湛江"],
    "统战联络部": ["珠海"],
    "学校部": ["揭阳"],
    "少年部": ["肇庆", "云浮"],
    "省团校": ["汕头"],
    "省青少年事业研究与发展中心": ["江门"],
    "省希望工程服务中心": ["河源"],
    "省志愿者行动指导中心": ["茂名", "阳江"],
    "省青年创业就业促进中心": ["东莞"],
    "广东青少年大数据及新媒体中心": ["潮州"],
}


def test_twenty_one_cities_fifteen_departments(session):
    assert session.exec(select(func.count()).select_from(City)).one() == 21
    assert session.exec(select(func.count()).select_from(Department)).one() == 15
    names = [d.name for d in session.exec(select(Department).order_by(Department.seq))]
    assert names == list(SEED_ATTACHMENT_1)


def test_attachment_1_exactly(session):
    rows = session.exec(
        select(Department.name, City.name)
        .join(Assignment, Assignment.department_id == Department.id)
        .join(City, City.id == Assignment.city_id)
    ).all()
    got: dict[str, set[str]] = {}
    for dept, city in rows:
        got.setdefault(dept, set()).add(city)
    assert got == {k: set(v) for k, v in SEED_ATTACHMENT_1.items()}
    # every city is paired with exactly one department
    assert sorted(Counter(c for _d, c in rows).values()) == [1] * 21
    assert assignment_pairs()[:3] == [("办公室", "中山"), ("组织部", "梅州"), ("组织部", "清远")]


def test_every_city_has_county_units(session):
    per_city = dict(session.exec(
        select(City.name, func.count(County.id)).join(County, County.city_id == City.id).group_by(City.name)
    ).all())
    assert set(per_city) == {c.name for c in session.exec(select(City))}
    assert per_city["广州"] == 11
    assert per_city["深圳"] == 9
    # Dongguan and Zhongshan have no counties: their towns and streets stand in.
    assert per_city["东莞"] == 32
    assert per_city["中山"] == 24
    kinds = set(session.exec(select(County.kind).join(City).where(City.name == "东莞")).all())
    assert kinds == {"town", "street"}
    # 122 county-level divisions + 56 towns/streets
    assert sum(per_city.values()) == 178


def test_county_codes_belong_to_their_city(session):
    for county, city in session.exec(select(County, City).join(City)):
        assert county.code.startswith(city.code[:4])


def test_loading_twice_changes_nothing(session):
    assert load_reference(session).added == 0
