"""Model-test fixtures: the cadres' roster the import files name (imports never create a cadre)."""

import pytest

from tests import factories as f

ROSTER = {"组织部": ["张三", "李四"], "宣传部": ["王五"]}


@pytest.fixture
def roster(session):
    """张三、李四 of 组织部 and 王五 of 宣传部, as ``zhudian import cadres`` would have recorded them."""
    cadres = {name: f.cadre(session, dept, name) for dept, names in ROSTER.items() for name in names}
    session.commit()
    return cadres
