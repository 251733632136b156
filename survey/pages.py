"""Rendering the plain message pages (thanks, already done, closed, errors) in the form's style."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, make_response, render_template
from werkzeug.datastructures import MultiDict

from models.links import BranchInfo, LinkState

STATE_PAGES: dict[LinkState, tuple[int, str, str, list[str]]] = {
    LinkState.NOT_YET_OPEN: (403, "⏰", "评价尚未开始", ["本评价链接还没有到开放时间。"]),
    LinkState.CLOSED: (410, "🔒", "评价已结束", ["本评价链接已经截止，感谢您的关注。"]),
    LinkState.FULL: (410, "✅", "评价名额已满", ["本评价链接收到的评价已达到上限，感谢您的关注。"]),
}

ERROR_PAGES: dict[int, tuple[str, str, list[str]]] = {
    400: ("⚠️", "请求无效", ["提交的内容不完整或格式不正确，请返回重新填写。"]),
    404: ("🔍", "页面不存在", ["找不到这个评价链接，请核对二维码或链接是否完整。"]),
    405: ("⚠️", "请求方式不正确", ["请通过扫描二维码打开评价页面。"]),
    413: ("📦", "提交的内容过大", ["照片不能超过 5 MB，课件不能超过 20 MB，一次提交合计不能超过 32 MB。",
                                  "请返回上一页（已填写的内容仍在），换一个较小的文件后再提交。"]),
    429: ("⏳", "提交过于频繁", ["您的网络在短时间内提交了太多次，请一分钟后再试。"]),
    500: ("⚠️", "服务器暂时出错", ["请稍后再试；您填写的内容没有保存，可返回上一页重新提交。"]),
    503: ("⏳", "服务繁忙，请稍后重试", ["服务器暂时无法处理您的请求，请稍等片刻后刷新页面。"]),
}


def message(status: int, icon: str, title: str, lines: list[str], info: BranchInfo | None = None,
            kept: str = "") -> Response:
    """A message page; ``kept`` is a suggestion the member typed that could not be taken, shown to copy."""
    html = render_template("message.html", icon=icon, title=title, lines=lines, info=info, kept=kept[:2000])
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def state_page(state: LinkState, info: BranchInfo | None, kept: str = "") -> Response:
    status, icon, title, lines = STATE_PAGES[state]
    return message(status, icon, title, lines, info, kept)


def error_page(status: int) -> Response:
    icon, title, lines = ERROR_PAGES.get(status, ERROR_PAGES[400])
    return message(status, icon, title, lines)


def expired_page(info: BranchInfo | None = None, kept: str = "") -> Response:
    return message(410, "⌛", "二维码已过期，请扫描现场二维码",
                   ["现场二维码每分钟更新一次，转发或拍照保存的二维码很快就会失效。",
                    "请扫描驻点干部现场出示的二维码后再评价。"], info, kept)


def thanks_page(info: BranchInfo | None) -> Response:
    return message(200, "🎉", "感谢您的评价！", ["您的评价已经收到，我们会认真研究您的意见建议。"], info)


def already_page(info: BranchInfo | None) -> Response:
    return message(200, "✅", "您已提交过评价", ["每台设备对同一评价链接只能提交一次，感谢您的参与。"], info)


RETRY_AFTER_SECONDS = 5
BUSY_HIDDEN = ("sid", "ft", "activity", "score")


@dataclass(frozen=True)
class KeptAnswer:
    """What a member typed, carried back into the 503 page so that nothing typed is lost."""

    hidden: tuple[tuple[str, str], ...]
    score: str
    activity_other: str
    suggestion: str
    had_photo: bool


def keep_answer(form: MultiDict, had_photo: bool) -> KeptAnswer:
    # Bounded like the form itself; the values are only ever shown through the template's escaping.
    hidden = tuple((name, form.get(name, "")[:300]) for name in BUSY_HIDDEN if form.get(name))
    score = form.get("score", "")
    return KeptAnswer(hidden, score if score in ("1", "2", "3", "4", "5") else "",
                      form.get("activity_other", "")[:200], form.get("suggestion", "")[:2000], had_photo)


def busy_page(answer: KeptAnswer | None = None, action: str = "") -> Response:
    """503 while the database is unreachable; a posted answer comes back in a form to submit again.

    The submission id travels with it, so a second press after recovery never stores the rating twice.
    """
    from survey.validate import SUGGESTION_MAX

    html = render_template("busy.html", answer=answer, action=action, suggestion_max=SUGGESTION_MAX)
    response = make_response(html, 503)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
