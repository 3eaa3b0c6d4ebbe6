"""Layout labels: the overview's meeting card, own actions, opinions, score cards, timeline, labs,
the agenda PDF."""

MESSAGES: dict[str, tuple[str, str]] = {
    # overview
    "overview.when": ("{weekday} {date}, {time}", "{date}（{weekday}）{time}"),
    "overview.location": ("Room: {location}", "地点：{location}"),
    "overview.mark_done_hint": (
        "Your open actions: tick one when it is done (recorded in the audit trail).",
        "您的未完成待办：完成后可在此标记（记入审计日志）。",
    ),
    "overview.mark_done": ("Mark done", "标记完成"),
    # score cards
    "board.cards.computed": (
        "Scores computed on {date} from the record as of {as_of}; a card names its own date when it differs.",
        "评分计算于 {date}（依据截至 {as_of} 的记录）；个别评分日期不同时在卡片上注明。",
    ),
    # opinions
    "opinion.no_specialty": (
        "Opinions are posted under the author's own specialty; your account has none.",
        "专科意见须以本人所属专科发表；您的账户未设置专科。",
    ),
}
