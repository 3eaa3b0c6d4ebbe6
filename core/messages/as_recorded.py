"""The board as it was recorded at a past moment (a signed decision's facts, or any past day)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "recorded.banner": (
        "Read-only: the board as it was recorded at {at} (UTC) — the facts, scores and advice known then. "
        "Later entries, corrections and retractions are not shown.",
        "只读：{at}（UTC）时记录的病例看板——当时已知的事实、评分与建议。之后的录入、更正与撤回均不显示。",
    ),
    "recorded.back": ("Back to the current board", "返回当前看板"),
    "recorded.pick": ("View the board as recorded on a past day", "查看过去某日记录的看板"),
    "recorded.day": ("Day", "日期"),
    "recorded.open": ("Open that board", "打开该看板"),
    "recorded.day.future": ("Pick today or a past day.", "请选择今天或过去的日期。"),
    "recorded.day.before": (
        "The case was referred on {day}; pick that day or later.",
        "病例转诊于{day}；请选择该日或之后的日期。",
    ),
    "recorded.as_signed": ("Board as signed", "签署时的看板"),
    "recorded.bad_link": (
        "This link's moment is not a valid date and time; showing the current board.",
        "链接中的时间无效；显示当前看板。",
    ),
}
