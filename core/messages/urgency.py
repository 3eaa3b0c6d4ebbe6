"""Messages of live urgency on the agenda and the overview (``urg.*``): (English, Simplified Chinese)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "urg.col.since_listing": ("Since listing", "列入后变化"),
    "urg.escalated": ("↑ escalated since listing ({before} → {now}): {reasons}", "↑ 列入后升级（{before} → {now}）：{reasons}"),
    "urg.escalated_short": ("↑ escalated since listing ({before} → {now})", "↑ 列入后升级（{before} → {now}）"),
    "urg.was_emergency": (
        "was emergency at listing (now {now}); stays among the emergencies until the chair clears it",
        "列入时为危急（现为{now}）；主持人确认前仍排在危急病例中",
    ),
    "urg.banner": (
        "{n} cases escalated since listing: their current data raise their urgency.",
        "{n} 个病例列入后升级：当前资料提示其紧急程度已提高。",
    ),
    "urg.banner.one": (
        "1 case escalated since listing: its current data raise its urgency.",
        "1 个病例列入后升级：当前资料提示其紧急程度已提高。",
    ),
    "urg.banner_item": ("#{case} {patient}: {before} → {now} — {reasons}", "#{case} {patient}：{before} → {now} — {reasons}"),
    "urg.sync_failed": (
        "The agenda's urgency could not be brought up to date just now; it shows the last computed state.",
        "暂时无法更新议程的紧急程度，当前显示上次计算的结果。",
    ),
    # the chair clears "was emergency at listing"
    "urg.clear.title": ("Was emergency at listing", "列入时为危急"),
    "urg.clear.hint": (
        "Live urgency went down. Check the case, then clear the mark with a reason; the item then "
        "takes its place by its current urgency.",
        "实时紧急程度已下降。请核对病例后填写理由解除标记；该条目随后按当前紧急程度排序。",
    ),
    "urg.clear.reason": ("Reason for clearing (#{case} {patient})", "解除理由（#{case} {patient}）"),
    "urg.clear.submit": ("Clear the mark", "解除标记"),
    "urg.clear.done": (
        "The mark is cleared; the item is ordered by its current urgency.",
        "标记已解除；该条目按当前紧急程度排序。",
    ),
    "urg.clear.reason_needed": ("Give a reason for clearing the mark.", "请填写解除标记的理由。"),
    # reordering
    "urg.reorder.title": ("Reorder the agenda", "调整议程顺序"),
    "urg.reorder.hint": (
        "Items move within their urgency group: emergencies first, standard of care last.",
        "条目只在同一紧急程度组内移动：危急病例在前，标准治疗病例在后。",
    ),
    "urg.reorder.up": ("Move #{case} up", "上移 #{case}"),
    "urg.reorder.down": ("Move #{case} down", "下移 #{case}"),
    "urg.reorder.edge": (
        "#{case} is already at the edge of its urgency group.",
        "#{case} 已位于其紧急程度组的边缘。",
    ),
    # overview
    "urg.queue.caption": (
        "Urgency from each case's current data (checked now), not only from when it was listed.",
        "紧急程度依据各病例当前资料（即时核对），而非仅依据列入时的情况。",
    ),
    "urg.queue.escalations": ("{n} escalated since listing", "{n} 个列入后升级"),
}
