"""Layout labels: the overview's meeting card, own actions, opinions, score cards, timeline, labs,
the agenda PDF."""

MESSAGES: dict[str, tuple[str, str]] = {
    # table columns without a label until now
    "col.cases": ("Cases", "病例数"),
    # overview
    "overview.when": ("{weekday} {date}, {time}", "{date}（{weekday}）{time} 开始"),
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
    # the agenda PDF
    "agenda_pdf.title": ("MDT agenda, {date}", "MDT 会议议程（{date}）"),
    "agenda_pdf.when": ("{weekday} {date}, {time} · {location}", "{date}（{weekday}）{time} 开始 · 地点：{location}"),
    "agenda_pdf.chair": ("Chair: {chair}", "主持人：{chair}"),
    "agenda_pdf.count.one": ("{n} case listed, {emergencies} emergency", "列入 {n} 例，其中急症 {emergencies} 例"),
    "agenda_pdf.count.other": ("{n} cases listed, {emergencies} emergencies", "列入 {n} 例，其中急症 {emergencies} 例"),
    "agenda_pdf.prepared": ("Prepared by {user} on {date}.", "由 {user} 于 {date} 生成。"),
    "agenda_pdf.confidential": (
        "Confidential: patient-identifiable. For the MDT members only; do not forward.",
        "机密：含可识别患者信息，仅供 MDT 成员使用，请勿转发。",
    ),
    "agenda_pdf.empty": ("No case is listed yet.", "尚未列入病例。"),
    "agenda_pdf.case": (
        "{n}. {patient} · case #{case} · {mrn} · {age} y, {sex}",
        "{n}. {patient} · 病例 #{case} · {mrn} · {age} 岁，{sex}",
    ),
    "agenda_pdf.facts": (
        "Primary: {primary} · urgency: {urgency} · {stream} · referred by {referrer}",
        "原发肿瘤：{primary} · 紧急程度：{urgency} · {stream} · 转诊医生：{referrer}",
    ),
    "agenda_pdf.question": ("Question: {question}", "提交 MDT 的问题：{question}"),
    "agenda_pdf.footer": ("Page {n} of {total}", "第 {n} 页，共 {total} 页"),
    "agenda_pdf.prepare": ("Prepare the agenda PDF", "生成议程 PDF"),
    "agenda_pdf.download": ("Download the agenda PDF", "下载议程 PDF"),
    "agenda_pdf.hint": (
        "To circulate before the meeting: patient-identifiable, so preparing it is recorded in the audit trail.",
        "会前分发：含可识别患者信息，生成操作记入审计日志。",
    ),
    "agenda_pdf.no_font": (
        "The PDF font is not installed ({path}); ask the administrator to install fonts-noto-cjk.",
        "未安装 PDF 字体（{path}），请联系管理员安装 fonts-noto-cjk。",
    ),
    # agenda reorder
    "urg.reorder.pick": ("Case to move", "要移动的病例"),
    "urg.reorder.move_up": ("Move up", "上移"),
    "urg.reorder.move_down": ("Move down", "下移"),
    # opinions
    "opinion.no_specialty": (
        "Opinions are posted under the author's own specialty; your account has none.",
        "专科意见须以本人所属专科发表；您的账户未设置专科。",
    ),
}
