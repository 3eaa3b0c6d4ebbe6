"""One message catalogue, English and Simplified Chinese (the source lecture is Chinese).

Every label, band name, rule text and chart title the board shows goes through :func:`t`.
A key missing from the catalogue is a bug: tests check every key has both languages.
"""

from __future__ import annotations

from enum import StrEnum

LANGUAGES = ("en", "zh")

MESSAGES: dict[str, tuple[str, str]] = {
    # app and navigation
    "app.title": ("BoneMDT", "骨转移多学科会诊"),
    "app.tagline": ("Bone-metastasis MDT board", "骨转移 MDT 会诊看板"),
    "nav.overview": ("Overview", "概览"),
    "nav.cases": ("Cases", "病例"),
    "nav.case": ("Case board", "病例看板"),
    "nav.meetings": ("Meetings", "会议"),
    "nav.decisions": ("Decisions", "决策"),
    "nav.analytics": ("Analytics", "统计分析"),
    "nav.admin": ("Admin", "管理"),
    "nav.section.board": ("Board", "看板"),
    "nav.section.department": ("Department", "科室"),
    "lang.label": ("Language", "语言"),
    # sign-in
    "signin.title": ("Sign in to BoneMDT", "登录 BoneMDT"),
    "signin.username": ("Username", "用户名"),
    "signin.password": ("Password", "密码"),
    "signin.submit": ("Sign in", "登录"),
    "signin.demo_hint": (
        "Demo mode: synthetic data only. Pick a demo user (password: {password}).",
        "演示模式：仅含虚构数据。请选择演示用户（密码：{password}）。",
    ),
    "signin.demo_user": ("Demo user", "演示用户"),
    "signin.demo_submit": ("Sign in as this demo user", "以此演示用户登录"),
    "signin.failed": (
        "Sign-in failed: unknown user, wrong password, or the account is locked.",
        "登录失败：用户不存在、密码错误或账户已锁定。",
    ),
    "signin.expired_idle": (
        "You were signed out after 15 minutes without activity.",
        "15 分钟无操作，已自动退出登录。",
    ),
    "signin.expired_absolute": (
        "Your session reached its 12-hour limit; please sign in again.",
        "会话已达 12 小时上限，请重新登录。",
    ),
    "signin.sso": ("Sign in with single sign-on", "单点登录"),
    "signout": ("Sign out", "退出登录"),
    "signed_in_as": ("Signed in as {name} ({role})", "当前用户：{name}（{role}）"),
    "denied.page": (
        "Your role ({role}) cannot open this page.",
        "您的角色（{role}）无权打开此页面。",
    ),
    "error.generic": (
        "Something went wrong; the error was logged. Nothing was saved.",
        "发生错误，已记录日志，未保存任何内容。",
    ),
    "store.chain_broken": (
        "Audit trail integrity check failed at entry {seq}: {problem}. Tell the administrator.",
        "审计日志完整性校验在第 {seq} 条失败：{problem}。请通知管理员。",
    ),
    "demo.banner": (
        "Demo store: every patient is synthetic.",
        "演示数据库：所有患者均为虚构。",
    ),
    # roles: their labels are the vocabulary entries vocab.Role.* (core/messages/vocabulary.py)
    # common
    "common.none": ("None", "无"),
    "common.missing": ("missing", "缺失"),
    "common.save": ("Save", "保存"),
    "common.yes": ("yes", "是"),
    "common.no": ("no", "否"),
    "common.unknown": ("unknown", "未知"),
    "common.search": ("Search", "搜索"),
    "common.all": ("All", "全部"),
    "common.open": ("Open", "打开"),
    "common.no_rows": ("Nothing to show.", "暂无内容。"),
    "common.saved": ("Saved.", "已保存。"),
    "common.days_ago": ("{n} days ago", "{n} 天前"),
    "common.select_row_hint": ("Select a row to open its case board.", "选择一行即可打开该病例看板。"),
    # overview
    "overview.title": ("This week at the MDT", "本周 MDT 概览"),
    "overview.next_meeting": ("Next meeting", "下次会议"),
    "overview.no_meeting": ("No meeting is planned.", "暂无计划中的会议。"),
    "overview.meeting_date": ("Date and time", "日期与时间"),
    "overview.cases_listed": ("Cases listed", "已列入病例"),
    "overview.emergencies": ("Emergencies", "急症"),
    "overview.open_agenda": ("Open the agenda", "打开议程"),
    "overview.red_flag_queue": ("Red-flag queue", "红旗警示队列"),
    "overview.no_red_flags": ("No emergency or urgent case on the next agenda.", "下次议程中无急症或紧急病例。"),
    "overview.my_actions": ("My open actions", "我的待办事项"),
    "overview.overdue_actions": ("Overdue actions", "逾期待办"),
    "overview.overdue_follow_ups": ("Overdue follow-ups", "逾期随访"),
    "overview.nothing_overdue": ("Nothing overdue.", "无逾期事项。"),
    "overview.overdue_count": ("{n} overdue", "{n} 项逾期"),
    # cases
    "cases.title": ("Cases", "病例列表"),
    "cases.search": ("Search", "搜索"),
    "cases.search_hint": ("name, MRN or case number", "姓名/病历号/病例号"),
    "cases.count": ("{n} rows", "共 {n} 条"),
    # columns
    "col.case_id": ("Case", "病例"),
    "col.mrn": ("MRN", "病历号"),
    "col.patient": ("Patient", "患者"),
    "col.age": ("Age", "年龄"),
    "col.sex": ("Sex", "性别"),
    "col.primary_tumour": ("Primary", "原发肿瘤"),
    "col.status": ("Status", "状态"),
    "col.priority": ("Priority", "优先级"),
    "col.stream": ("Stream", "讨论方式"),
    "col.urgency": ("Urgency", "紧急程度"),
    "col.referral_date": ("Referred", "转诊日期"),
    "col.next_meeting": ("Next meeting", "下次会议"),
    "col.lesions": ("Lesions", "病灶数"),
    "col.ecog": ("ECOG", "ECOG"),
    "col.frankel": ("Frankel", "Frankel"),
    "col.nrs": ("NRS", "NRS"),
    "col.description": ("Action", "事项"),
    "col.due_date": ("Due", "截止日期"),
    "col.overdue": ("Overdue", "逾期"),
    "col.owner": ("Owner", "负责人"),
    "col.kind": ("Kind", "类别"),
    "col.specialty": ("Specialty", "专科"),
    "col.outcome": ("Outcome", "结论"),
    "col.quorum_state": ("Quorum", "法定人数"),
    "col.version": ("Version", "版本"),
    "col.decided_on": ("Decided", "决定日期"),
    "col.signed_by": ("Signed by", "签署人"),
    "col.position": ("#", "序号"),
    "col.discussion_seconds": ("Discussion (s)", "讨论时长（秒）"),
    "col.display_name": ("Name", "姓名"),
    "col.present": ("Present", "出席"),
    "col.site": ("Site", "部位"),
    "col.bone": ("Bone", "骨骼"),
    "col.lesion_type": ("Type", "类型"),
    "col.size_mm": ("Size (mm)", "大小（mm）"),
    "col.bilsky": ("Bilsky", "Bilsky"),
    "col.fracture": ("Fracture", "病理性骨折"),
    "col.lesion_id": ("Lesion", "病灶"),
    "col.name": ("Name", "名称"),
    "col.start": ("Start", "开始"),
    "col.end": ("End", "结束"),
    "col.dose": ("Dose", "剂量"),
    "col.date": ("Date", "日期"),
    "col.rule_id": ("Rule", "规则"),
    "col.text": ("Item", "内容"),
    "col.disposition": ("Disposition", "处理"),
    "col.reason": ("Reason", "理由"),
    "col.delivered": ("Delivered", "已执行"),
    "col.ready": ("Ready", "资料齐备"),
    "col.missing": ("Missing or stale", "缺失或过期"),
    # case board
    "case.picker": ("Case", "病例"),
    "case.picker_hint": ("Type a name, MRN or case number", "输入姓名、病历号或病例编号"),
    "case.unknown": ("There is no case {case}. Pick a case from the list.", "不存在病例 {case}，请从列表中选择。"),
    "case.age_sex": ("{age} y, {sex}", "{age} 岁，{sex}"),
    "case.castration": ("castration-{status}", "去势{status}"),
    "case.question": ("Question to the MDT", "提交 MDT 的问题"),
    "case.patient_wishes": ("What the patient knows and wants", "患者知情情况与意愿"),
    "case.comorbidities": ("Comorbidities", "合并症"),
    "case.tab.lesions": ("Lesions", "病灶"),
    "case.tab.imaging": ("Imaging", "影像"),
    "case.tab.labs": ("Labs", "检验"),
    "case.tab.treatments": ("Treatments and events", "治疗与事件"),
    "case.tab.decisions": ("Decisions and actions", "决策与待办"),
    "case.no_lesions": ("No lesion recorded.", "未记录病灶。"),
    "case.no_imaging": ("No imaging recorded: the case is not ready for listing.", "未记录影像：病例资料不齐，暂不能列入议程。"),
    "case.no_labs": ("No laboratory results recorded.", "未记录检验结果。"),
    "case.no_decisions": ("No decision recorded yet.", "尚无决策记录。"),
    "case.impression": ("Impression", "印象"),
    "case.amendment_reason": ("Reason for the amendment", "修订理由"),
    "case.signed_by": ("Signed by {name} at {at} — {meaning}", "由 {name} 于 {at} 签署 —— {meaning}"),
    "case.actions": ("Actions", "待办事项"),
    # meetings
    "meetings.title": ("Meetings", "会议"),
    "meetings.none": ("No meeting yet.", "暂无会议。"),
    "meetings.pick": ("Meeting", "会议"),
    "meetings.n_cases": ("{n} cases", "{n} 个病例"),
    "meetings.date": ("Date", "日期"),
    "meetings.cases": ("Cases", "病例数"),
    "meetings.present": ("Present", "出席人数"),
    "meetings.agenda": ("Agenda", "议程"),
    "meetings.attendance": ("Attendance", "出席情况"),
    "meetings.no_attendance": ("Attendance not recorded yet.", "尚未记录出席情况。"),
    # decisions
    "decisions.title": ("Decisions and actions", "决策与待办"),
    "decisions.tab.decisions": ("Decisions", "决策"),
    "decisions.tab.actions": ("Action items", "待办事项"),
    "decisions.tab.follow_ups": ("Follow-ups", "随访"),
    "decisions.only_open": ("Open only", "仅显示未完成"),
    # analytics
    "analytics.title": ("Analytics", "统计分析"),
    "analytics.cases": ("Cases", "病例数"),
    "analytics.meetings_held": ("Meetings held", "已召开会议"),
    # Metric labels stay short (a metric cuts its label to a fifth of the page at 1024 px);
    # the full meaning is in the help text beside each.
    "analytics.median_days": ("Days to decision", "决策天数"),
    "analytics.median_days.help": (
        "Median days from referral to the first decision",
        "自转诊至首次决策的中位天数",
    ),
    "analytics.delivered": ("Delivered", "执行率"),
    "analytics.delivered.help": (
        "Share of recorded deliveries in which the plan item was carried out",
        "已记录的执行情况中计划条目得到执行的比例",
    ),
    "analytics.case_load": ("Case load per meeting", "每次会议病例量"),
    "analytics.week": ("Meeting", "会议"),
    "analytics.by_primary": ("Referrals by primary tumour", "按原发肿瘤统计转诊"),
    "analytics.decided": ("Decided", "决策率"),
    "analytics.decided.help": (
        "Share of first discussions that reached a decision (not deferred)",
        "首次讨论中形成决策（未推迟）的比例",
    ),
    "analytics.days": ("days", "天数"),
    "analytics.items": ("plan items", "计划条目"),
    "analytics.quarter": ("Quarter", "季度"),
    "analytics.events": ("events", "事件数"),
    "analytics.share": ("meetings attended (%)", "出席会议比例（%）"),
    "analytics.two_thirds": ("standard: two thirds", "标准：三分之二"),
    "analytics.tab.load": ("Case load", "病例量"),
    "analytics.tab.timeliness": ("Timeliness", "时效"),
    "analytics.tab.implementation": ("Decision to delivery", "决策执行"),
    "analytics.tab.sre": ("Skeletal events", "骨相关事件"),
    "analytics.tab.quality": ("Attendance and quality", "出席与质量"),
    "analytics.timeliness": ("Median days from referral", "自转诊起的中位天数"),
    "analytics.to_meeting": ("to the meeting", "至会议"),
    "analytics.to_decision": ("to the decision", "至决策"),
    "analytics.implementation": ("Were decisions carried out?", "决策是否得到执行？"),
    "analytics.implementation_hint": (
        "Signed, current decisions: each accepted or modified plan item and whether its delivery was recorded.",
        "已签署的现行决策：每项已接受或修改的计划条目及其执行记录。",
    ),
    "analytics.sre": ("Skeletal-related events per quarter (last 2 years)", "每季度骨相关事件（近 2 年）"),
    "analytics.core_attendance": ("Core members: share of meetings attended", "核心成员出席会议比例"),
    "analytics.q.week": ("Meeting", "会议"),
    "analytics.q.attendance_grade": ("Attendance grade (1–4)", "出席等级（1–4）"),
    "analytics.q.cases": ("Cases", "病例数"),
    "analytics.q.decided": ("Decided", "已决定"),
    "analytics.q.deferred": ("Deferred", "已推迟"),
    "analytics.q.no_decision": ("No decision", "未决定"),
    "analytics.q.mean_minutes": ("Minutes per case", "每例讨论分钟"),
    "analytics.q.mean_specialties": ("Specialties contributing", "参与专科数"),
    "analytics.state.delivered": ("delivered", "已执行"),
    "analytics.state.not_recorded": ("not recorded", "未记录"),
    "analytics.state.not_delivered": ("not delivered: {reason}", "未执行：{reason}"),
    # admin
    "admin.title": ("Administration", "系统管理"),
    "admin.tab.audit": ("Audit trail", "审计日志"),
    "admin.tab.users": ("Users and roles", "用户与角色"),
    "admin.chain_ok": ("Audit trail intact: {n} entries, hash chain verified.", "审计日志完整：共 {n} 条，哈希链校验通过。"),
    "admin.filter_patient": ("Patient id", "患者编号"),
    "admin.filter_user": ("User", "用户"),
    "admin.filter_action": ("Action", "操作"),
    "admin.filter_since": ("Since", "起始日期"),
    "admin.roles_hint": ("Roles: {roles}", "角色：{roles}"),
    "admin.filter_until": ("Until", "截止日期"),
    "admin.tab.backup": ("Backup", "备份"),
    "admin.tab.policy": ("Department policies", "科室策略"),
    "admin.new_user": ("New user", "新建用户"),
    "admin.create_user": ("Create user", "创建用户"),
    "admin.change_role": ("Role and status", "角色与状态"),
    "admin.user": ("User", "用户"),
    "admin.role": ("Role", "角色"),
    "admin.active": ("Active", "启用"),
    "admin.backup_hint": (
        "A backup is a consistent snapshot (EXPORT DATABASE) with a checksum manifest, written to a new directory on the server.",
        "备份为一致性快照（EXPORT DATABASE），附校验清单，写入服务器上的新目录。",
    ),
    "admin.backup_dir": ("Backup directory (must be new or empty)", "备份目录（须为新建或空目录）"),
    "admin.backup_now": ("Back up now", "立即备份"),
    "admin.backup_done": ("Backup written to {dir} ({rows} rows).", "备份已写入 {dir}（共 {rows} 行）。"),
    "admin.restore_hint": (
        "Restore replaces the store and needs the server stopped: bonemdt restore DIR --db PATH.",
        "恢复将替换数据库，需先停止服务器：bonemdt restore DIR --db PATH。",
    ),
    "admin.policy_key": ("Policy", "策略"),
    "admin.policy_value": ("New value", "新值"),
}


def t(key: str, lang: str = "en", **params: object) -> str:
    """The message for ``key`` in ``lang`` with ``params`` substituted."""
    pair = MESSAGES.get(key)
    if pair is None:
        raise KeyError(f"message key not in catalogue: {key}")
    if params.get("n") == 1 and f"{key}.one" in MESSAGES:  # "1 row", not "1 rows" (Chinese has no plural)
        pair = MESSAGES[f"{key}.one"]
    text = pair[1] if lang == "zh" else pair[0]
    return text.format(**params) if params else text


def tn(key: str, n: int, lang: str = "en", **params: object) -> str:
    """A count in words: ``<key>.one`` when ``n`` is 1, ``<key>.other`` otherwise ("1 row", "2 rows")."""
    return t(f"{key}.one" if n == 1 else f"{key}.other", lang, n=n, **params)


def label_or_raw(prefix: str, value: object, lang: str = "en") -> str:
    """The catalogue label ``<prefix>.<value>``; a value without a label is shown with spaces."""
    pair = MESSAGES.get(f"{prefix}.{value}")
    if pair is None:
        return str(value).replace("_", " ")
    return pair[1] if lang == "zh" else pair[0]


# The plain words of a rule's source; citations (author, year, guideline code) read the same in both.
_SOURCE_WORDS_ZH = {
    "lecture": "讲座",
    "department policy": "科室策略",
    "current guidelines": "现行指南",
    "label": "药品说明书",
    "labels": "药品说明书",
    "Zometa label": "唑来膦酸（Zometa）说明书",
    "Xgeva label": "地舒单抗（Xgeva）说明书",
    "BOA 2015 good practice": "BOA 2015 良好实践",
    "lecture (RCC is hypervascular)": "讲座（肾细胞癌富血供）",
    "ESMO febrile neutropenia": "ESMO 发热性中性粒细胞减少指南",
}


def source_text(source: str, lang: str = "en") -> str:
    """A rule's source as shown: its parts ("lecture; NICE NG234") with the plain words translated."""
    if lang != "zh":
        return source
    return "；".join(_SOURCE_WORDS_ZH.get(part.strip(), part.strip()) for part in source.split(";"))


def register(messages: dict[str, tuple[str, str]]) -> None:
    """Add a module's messages to the catalogue (keys must be new)."""
    clash = set(messages) & set(MESSAGES)
    if clash:
        raise ValueError(f"duplicate message keys: {sorted(clash)}")
    MESSAGES.update(messages)


def enum_label(value: StrEnum | str, lang: str = "en", vocab: type[StrEnum] | None = None) -> str:
    """Human label of a vocabulary value: the entry ``vocab.<Vocabulary>.<value>`` of its own vocabulary.

    A member carries its vocabulary; a plain stored value needs ``vocab`` (the same code may mean
    different things in two vocabularies: ``head_neck`` is a primary tumour and a bone segment).
    A value without an entry (a stale code) is shown with spaces.
    """
    if isinstance(value, StrEnum):
        vocab = vocab or type(value)
        raw = value.value
    else:
        raw = str(value)
    if vocab is None:
        raise TypeError(f"enum_label({raw!r}) needs its vocabulary")
    pair = MESSAGES.get(f"vocab.{vocab.__name__}.{raw}")
    if pair is None:
        return raw.replace("_", " ")
    return pair[1] if lang == "zh" else pair[0]


def _load_parts() -> None:
    import importlib
    import pkgutil

    import core.messages as parts

    for info in sorted(pkgutil.iter_modules(parts.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"core.messages.{info.name}")
        register(getattr(module, "MESSAGES", {}))


_load_parts()
