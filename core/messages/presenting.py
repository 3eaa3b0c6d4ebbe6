"""Messages of presentation and follow mode and of the idle warning (``pres.*``, ``idle.*``):
(English, Simplified Chinese)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # idle limit
    "idle.warning": (
        "No activity for a while: you will be signed out in {seconds} s.",
        "长时间未操作：将在 {seconds} 秒后退出登录。",
    ),
    "idle.stay": ("Stay signed in", "保持登录"),
    # presenter and time budget
    "pres.presenter": ("Presenter: {name}", "汇报人：{name}"),
    "pres.no_presenter": ("No presenter named", "未指定汇报人"),
    "pres.settings": ("Presenter and time", "汇报人与时间"),
    "pres.pick_presenter": ("Who presents this case", "本病例汇报人"),
    "pres.nobody": ("(nobody named)", "（未指定）"),
    "pres.minutes_per_case": ("Minutes per case", "每例分钟数"),
    "pres.saved_presenter": ("Presenter saved.", "汇报人已保存。"),
    "pres.saved_minutes": ("Time budget saved.", "时间预算已保存。"),
    "pres.err.minutes": ("Choose between 1 and 30 minutes per case.", "每例分钟数须在 1 到 30 之间。"),
    "pres.err.presenter": ("Choose an active clinician.", "请选择在职的临床成员。"),
    "pres.err.denied": ("Your role does not allow this; nothing was changed.", "您的角色无权执行此操作；未作任何更改。"),
    "pres.err.closed": ("The meeting is closed; nothing was changed.", "会议已结束；未作任何更改。"),
    "pres.case_clock": ("This case", "本病例用时"),
    "pres.meeting_clock": ("Meeting", "会议已进行"),
    "pres.of_planned": ("of {planned}", "计划 {planned}"),
    "pres.budget": (
        "{cases} cases × {minutes} min = {planned} planned",
        "{cases} 例 × {minutes} 分钟 = 计划 {planned}",
    ),
    "pres.over": ("over time", "超时"),
    # follow mode
    "pres.follow": ("Follow the chair", "跟随主持人"),
    "pres.following": ("Following the chair", "正在跟随主持人"),
    "pres.chair_not_presenting": (
        "The chair is not presenting yet: this view moves when the chair opens a case.",
        "主持人尚未开始演示：主持人打开病例后本视图将自动跟随。",
    ),
    "pres.presenting_to_room": ("Members following you see this case.", "跟随您的成员正看到本病例。"),
    # sections opened in place
    "pres.tab.summary": ("Imaging and suggestions", "影像与建议"),
    "pres.tab.scores": ("All scores", "全部评分"),
    "pres.tab.timeline": ("Timeline", "时间线"),
    "pres.tab.labs": ("Labs", "化验"),
    "pres.tab.lesions": ("Lesions", "病灶"),
    "pres.tab.past": ("Past decisions", "既往决定"),
    "pres.tab.decision": ("Decision", "决定"),
    "pres.open_board": ("Open the full case board", "打开完整病例看板"),
    "pres.exit": ("Leave presentation mode", "退出演示模式"),
    "pres.more_flags": ("and {n} more red flags below", "以及下方另外 {n} 条警示征象"),
}
