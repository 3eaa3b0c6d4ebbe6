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
    # timeline
    "board.timeline.full": ("Show the full history", "显示全部病程"),
    "board.timeline.window": (
        "Showing {start} to {end} (the last 12 months); earlier treatments still running start at the left edge.",
        "显示 {start} 至 {end}（近 12 个月）；仍在进行的早期治疗从左边缘开始显示。",
    ),
    # opinions
    "opinion.no_specialty": (
        "Opinions are posted under the author's own specialty; your account has none.",
        "专科意见须以本人所属专科发表；您的账户未设置专科。",
    ),
}
