"""The Admin page's import panel (issue 13: cases in from case files, CSV tables, FHIR Bundles)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "import.title": ("Import cases", "导入病例"),
    "import.hint": (
        "A case file (.json, bonemdt-case/1), a FHIR R4 Bundle (.json) or CSV tables in a .zip. "
        "All or nothing per file; an existing MRN is matched and never overwritten. Limit 10 MB.",
        "病例文件（.json，bonemdt-case/1）、FHIR R4 Bundle（.json）或打包为 .zip 的 CSV 表。"
        "每个文件全部导入或全部不导入；已有的病历号将被匹配，绝不覆盖。上限 10 MB。",
    ),
    "import.file": ("File to import", "要导入的文件"),
    "import.file_help": (
        "One .json or .zip file of at most 10 MB; nothing is written until you press Import.",
        "一个 .json 或 .zip 文件，不超过 10 MB；按“导入”之前不会写入任何内容。",
    ),
    # Streamlit draws the uploader's own words in English (pages/components/streamlit_own.py):
    # the Chinese names them so the reader knows what to press.
    "import.upload_help": (
        "Drop the file on “{drop}” below, or press “{browse}” to pick it ({types}; “{limit}”).",
        "将文件拖到下方方框（英文提示“{drop}”）中，或点击“{browse}”（浏览文件）选择文件"
        "（{types}；不超过 10 MB，方框中英文“{limit}”即此上限）。",
    ),
    "import.dry_run": ("Dry run (check only, change nothing)", "试运行（仅检查，不做任何更改）"),
    "import.run": ("Import", "导入"),
    "import.done": ("Imported: {added}.", "已导入：{added}。"),
    "import.checked": (
        "Dry run: the file is valid and would add {added}. Nothing was changed.",
        "试运行：文件有效，将新增 {added}。未做任何更改。",
    ),
    "import.nothing_new": ("nothing new", "无新增内容"),
    "import.refused": ("Refused, nothing was written ({n} problems):", "已拒绝，未写入任何内容（{n} 个问题）："),
    "import.refused.one": ("Refused, nothing was written (1 problem):", "已拒绝，未写入任何内容（1 个问题）："),
    "import.conflicts": ("Stored values kept where the file differs:", "文件与已存数据不一致之处，已保留已存数据："),
    "import.ignored": ("Ignored (not used by BoneMDT):", "已忽略（BoneMDT 不使用）："),
    "import.too_large": ("The file is larger than 10 MB; nothing was written.", "文件超过 10 MB，未写入任何内容。"),
}
