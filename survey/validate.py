"""Reading and checking the posted form: every problem becomes a Chinese message beside its field.

Text is cleaned by the one cleaner (``models.text.clean_text``) but otherwise kept exactly as
typed, including emoji; it is only ever shown through the template's escaping.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from models.text import clean_text

SUGGESTION_MAX = 500
ACTIVITY_NAME_MAX = 100
OTHER = "other"
SINGLE_FIELDS = ("activity", "activity_other", "score", "suggestion", "sid", "ft", "website")


@dataclass
class Answer:
    activity: str = ""  # an activity id, "other" or ""
    activity_other: str = ""
    score: str = ""
    suggestion: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    activity_id: int | None = None
    score_value: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def read_answer(form: MultiDict, activity_ids: set[int]) -> Answer:
    """The member's answer with its errors; ``activity_ids`` are the activities shown on the form."""
    answer = Answer(
        activity=form.get("activity", "")[:20],
        activity_other=clean_text(form.get("activity_other", ""), multiline=False),
        score=form.get("score", "")[:10],
        suggestion=clean_text(form.get("suggestion", ""), multiline=True),
    )
    errors = answer.errors
    duplicated = [name for name in SINGLE_FIELDS if len(form.getlist(name)) > 1]
    if duplicated:
        errors["form"] = "提交的内容有重复字段，请重新填写后提交"

    # isascii: "²" and other Unicode digits pass isdigit() but int() refuses them.
    if answer.activity.isascii() and answer.activity.isdigit() and int(answer.activity) in activity_ids:
        answer.activity_id = int(answer.activity)
    elif answer.activity == OTHER or (not answer.activity and answer.activity_other):
        answer.activity = OTHER
        if not answer.activity_other:
            errors["activity_other"] = "请填写活动名称"
        elif len(answer.activity_other) > ACTIVITY_NAME_MAX:
            errors["activity_other"] = f"活动名称不能超过 {ACTIVITY_NAME_MAX} 字（现有 {len(answer.activity_other)} 字）"
    elif not answer.activity:
        errors["activity"] = "请选择要评价的活动"
    else:
        errors["activity"] = "所选活动不存在，请从列表中重新选择"

    if answer.score in ("1", "2", "3", "4", "5"):
        answer.score_value = int(answer.score)
    elif not answer.score:
        errors["score"] = "请选择 1～5 星评分"
    else:
        errors["score"] = "评分只能是 1～5 星，请重新选择"
        answer.score = ""

    if len(answer.suggestion) > SUGGESTION_MAX:
        errors["suggestion"] = f"意见建议不能超过 {SUGGESTION_MAX} 字（现有 {len(answer.suggestion)} 字），请删减后提交"
    return answer
