"""Security messages: exports, account unlock, audit checkpoints, signatures, sessions, start-up."""

MESSAGES: dict[str, tuple[str, str]] = {
    "sec.export.prepare": ("Prepare CSV export", "准备 CSV 导出"),
    "sec.export.download": ("Download CSV ({n} bytes)", "下载 CSV（{n} 字节）"),
    "sec.export.hint": (
        "The export is recorded in the audit trail; cells a spreadsheet would run as formulas are neutralised.",
        "导出会记入审计日志；电子表格可能当作公式执行的单元格已被中和。",
    ),
    "sec.unlock.title": ("Unlock a locked account", "解锁被锁定的账户"),
    "sec.unlock.submit": ("Unlock", "解锁"),
    "sec.unlock.none": ("No account is locked.", "没有被锁定的账户。"),
    "sec.unlock.done": ("Account unlocked.", "账户已解锁。"),
    "sec.checkpoint": (
        "Checkpoint signed outside the store: {n} entries up to entry {seq}.",
        "已在数据库之外签署检查点：共 {n} 条，截至第 {seq} 条。",
    ),
    "sec.tampered": (
        "{n} signed decisions no longer match their signature (changed outside the board): {ids}. "
        "Do not rely on them; tell the administrator.",
        "{n} 项已签署决定与其签名不再一致（在系统外被修改）：{ids}。请勿依赖，并通知管理员。",
    ),
    "sec.tampered.one": (
        "1 signed decision no longer matches its signature (changed outside the board): {ids}. "
        "Do not rely on it; tell the administrator.",
        "1 项已签署决定与其签名不再一致（在系统外被修改）：{ids}。请勿依赖，并通知管理员。",
    ),
    "sec.signature_broken": (
        "This signed decision no longer matches its signature: its content was changed outside the board. "
        "Do not rely on it; tell the administrator.",
        "此已签署决定与其签名不再一致：内容在系统外被修改。请勿依赖，并通知管理员。",
    ),
    "sec.client_changed": (
        "This session was opened from another browser or network address; sign in again.",
        "此会话来自另一浏览器或网络地址；请重新登录。",
    ),
    "sec.throttled": (
        "Too many failed sign-ins from this device. Wait 15 minutes or ask an administrator.",
        "此设备登录失败次数过多。请等待 15 分钟或联系管理员。",
    ),
    "sec.sign_locked": (
        "Too many wrong passwords: signing is locked for 15 minutes. Nothing was signed.",
        "密码错误次数过多：签署已锁定 15 分钟。未签署任何内容。",
    ),
    "sec.unsaved_edits": (
        "The form has changes that are not saved. Save the draft first, then sign what is on screen. Nothing was signed.",
        "表单有未保存的修改。请先保存草稿，再签署屏幕上的内容。未签署任何内容。",
    ),
    "sec.start_failed": ("The board cannot start: {problem}", "系统无法启动：{problem}"),
    "sec.session_ended": (
        "Your session has ended or your account changed; nothing was changed. Sign in again.",
        "您的会话已结束或账户已变更；未做任何修改。请重新登录。",
    ),
    "audit.action.login_throttled": ("sign-in throttled", "登录受限"),
    "audit.action.unlock": ("unlock", "解锁"),
}
