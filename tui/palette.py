"""The command palette's provider: find any city, county, department, cadre or branch by name."""

from __future__ import annotations

import asyncio
from functools import partial

from textual.command import Hit, Hits, Provider
from textual.content import Content

from tui.components.safe import clean

KIND_LABEL = {"city": "地市", "county": "县区", "department": "部门", "cadre": "干部", "branch": "团支部"}


class NamesProvider(Provider):
    async def search(self, query: str) -> Hits:
        app = self.app
        if not query.strip() or not getattr(app, "periods", None):
            return
        from models.records import search_names

        def find() -> list:
            with app.session() as session:
                return list(search_names(session, query.strip()))

        try:
            # A thread, like every database read of the dashboard: the palette stays responsive.
            found = await asyncio.to_thread(find)
        except Exception as exc:
            app.database_failed(app.describe_error(exc), 2)
            return
        matcher = self.matcher(query)
        if not found:
            # A line of our own, so the palette never falls back to Textual's English "No matches found".
            text = f"没有找到名称中含“{clean(query.strip(), 20)}”的地市、县区、部门、干部或团支部"
            yield Hit(0.01, Content(text), lambda: None, text=text, help="换个词再试，或按 Esc 关闭")
            return
        for item in found[:40]:
            kind = getattr(item, "kind", "")
            name = clean(getattr(item, "name", ""), 40)
            context = clean(getattr(item, "context", "") or getattr(item, "parent_name", "") or "", 30)
            label = f"{KIND_LABEL.get(kind, kind)}：{name}" + (f"（{context}）" if context else "")
            # Content(label), not matcher.highlight(): that parses the label as markup, and names
            # are typed by people.
            yield Hit(max(matcher.match(label), 0.1), Content(label), partial(app.open_named, kind, item.id),
                      text=label, help="回车打开")
