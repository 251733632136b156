"""Text a member can type, shown on the dashboard: never a crash, never markup, escape sequences or
control characters acting on the screen, never a line longer than its column.

Property-based over the function every screen uses (``tui.components.safe``), and a real Textual run of
the feedback screen with hostile suggestions stored as the survey stores them.
"""

from __future__ import annotations

import random
import uuid

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from sqlmodel import Session, select

from models.db import make_engine
from models.feedback import add_rating
from models.tables import Branch
from tests.tui.demo_data import TODAY
from tests.tui.helpers import wait_for, wait_loaded, wait_text
from tui.components.keyed_table import KeyedTable
from tui.components.safe import clean, literal
from tui.screens.feedback import FeedbackScreen

ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=400)
MARKUPISH = st.lists(st.sampled_from(["[", "]", "[/]", "[bold]", "[link=http://x]", "[red on blue]", "\\", "\x1b",
                                      "\x1b[2J", "\x1b]8;;http://x\x1b\\", "\u202e", "\u200b", "\r", "\n", "\t", "\x00",
                                      "长", "😀", "e\u0301", "\ufeff", "{", "}", "%s", "$"]), max_size=40).map("".join)
TYPED = st.one_of(ANY_TEXT, MARKUPISH)
INVISIBLE = {chr(c) for c in [*range(0x00, 0x20), *range(0x7f, 0xa0), *range(0x200b, 0x2010), *range(0x2028, 0x202f),
                              *range(0x2066, 0x2070), 0xfeff]}


@given(text=TYPED, limit=st.one_of(st.none(), st.integers(1, 120)))
def test_clean_is_one_short_printable_line(text, limit):
    shown = clean(text, limit)
    assert not (set(shown) & INVISIBLE), repr(shown)  # no ESC, no newline, no bidi override, no zero-width
    if limit is not None:
        assert cell_len(shown) <= limit
    assert clean(shown, limit) == shown  # stable: showing it again changes nothing


@given(text=TYPED, limit=st.integers(1, 120))
def test_literal_is_never_markup(text, limit):
    shown = literal(text, limit)
    assert shown.plain == clean(text, limit)  # every bracket kept as typed: nothing was parsed
    assert not shown.spans
    console = Console(width=200, color_system=None, force_terminal=False, record=True, legacy_windows=False)
    with console.capture() as captured:
        console.print(shown)
    assert "\x1b" not in captured.get()


HOSTILE = [
    "[bold red]加粗[/bold red] 与 [link=http://evil.example]点我[/link]",
    "[/]未配对的结束标记 [/bold]",
    "\x1b[2J\x1b[H清屏 \x1b]8;;http://x\x1b\\超链接\x1b]8;;\x1b\\",
    "\u202e反向文字\u202c 零宽\u200b字符\ufeff",
    "换行\n第二行\r回车\t制表",
    "很长" * 400,
    "😀👍🏽 e\u0301 ㈱ Ｆｕｌｌ",
    "$(rm -rf /) '; DROP TABLE rating; -- {0} %s",
]


def _random_texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        chars = [chr(rng.choice([rng.randrange(0, 0x3000), rng.randrange(0x1F000, 0x1FAFF), rng.randrange(0, 0x110000)]))
                 for _ in range(rng.randrange(1, 80))]
        out.append("".join(c for c in chars if not 0xD800 <= ord(c) <= 0xDFFF))
    return out


async def test_feedback_screen_shows_hostile_suggestions_literally(make, demo_url):
    texts = HOSTILE + _random_texts(6, 8)
    engine = make_engine(demo_url)
    with Session(engine) as s:
        branch = s.exec(select(Branch).where(Branch.name == "梅县区畲江镇团支部")).one()
        for text in texts:
            add_rating(s, branch_id=branch.id, score=1, submission_id=uuid.uuid4().hex, suggestion=text,
                       created_at=TODAY)
        s.commit()
    engine.dispose()
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await wait_loaded(pilot, FeedbackScreen)
        table = app.screen.query_one(KeyedTable)
        await wait_for(pilot, lambda: table.row_count >= len(texts), what="the hostile ratings")
        # brackets shown as typed, not bold; an unpaired close tag would be a MarkupError if parsed;
        # ESC removed (models.text.clean_text), so the escape is inert text
        shown = await wait_text(pilot, "[bold red]加粗[/bold red]", "[/]未配对的结束标记", "[2J[H清屏", "反向文字")
        assert "\x1b" not in shown
        for line in shown.splitlines():
            assert cell_len(line) <= 120
        await pilot.press("down", "down", "enter")  # drill into a branch from a hostile row: still fine
        await pilot.pause()
        assert app.is_running
