"""Free-text rules shared by every form, import and model, and the one way stored text is shown.

Clinical free text is stored byte-for-byte: CJK, emoji and right-to-left scripts are legitimate.
What is refused are characters that make text lie about itself when displayed (bidirectional
overrides, zero-width joiners used to hide content, Unicode tag characters, line/paragraph
separators, blank Hangul fillers) and control characters. Text above the field's documented
limit is rejected, never silently truncated (docs/security-requirements.md, Requirements 4).

Showing stored text: :func:`md_inline` and :func:`md_block` are the only Markdown escapers
(no links, images, HTML, emphasis, lists, directives, icons, emoji shortcodes or bare-URL links
can come out of stored text); :func:`csv_cell` neutralises spreadsheet formulas in exports.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator

SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 4000

# Bidirectional embedding/override/isolate controls and invisible formatting characters.
_FORBIDDEN = frozenset(
    "\u202a\u202b\u202c\u202d\u202e"  # LRE RLE PDF LRO RLO
    "\u2066\u2067\u2068\u2069"  # LRI RLI FSI PDI
    "\u200b\u200c\u200d\u200e\u200f"  # ZWSP ZWNJ ZWJ LRM RLM
    "\u2060\u2061\u2062\u2063\u2064"  # word joiner, invisible operators
    "\ufeff\u00ad\u180e\u061c"  # BOM/ZWNBSP, soft hyphen, Mongolian vowel sep, ALM
    "\u2028\u2029"  # line and paragraph separators (break lines where no line break shows)
    "\u3164\u115f\u1160\uffa0"  # Hangul fillers: blank "letters" that pass as a name
    "\u034f\u17b4\u17b5"  # combining grapheme joiner, Khmer inherent vowels (invisible)
)
_TAG_BLOCK = range(0xE0000, 0xE0080)  # Unicode tag characters: invisible text
_ALLOWED_CONTROLS = frozenset("\n\t")


class TextRuleError(ValueError):
    """Raised for text that breaks a free-text rule; the message never repeats the text."""


_INVISIBLE = "contains an invisible or direction-changing character (bidirectional control, zero-width or similar); remove it"
_CONTROL = "contains a control character; remove it"
# In ASCII text the only refused characters are the C0 controls other than tab and newline, and DEL
# (every character of _FORBIDDEN and of the tag block lies outside ASCII).
_ASCII_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


@functools.lru_cache(maxsize=1 << 16)
def _refusal(ch: str) -> str | None:
    """Why one character is refused (None: it is allowed)."""
    if ch in _FORBIDDEN or ord(ch) in _TAG_BLOCK:
        return _INVISIBLE
    if ch in _ALLOWED_CONTROLS:
        return None
    # Emoji ZWJ sequences are the one legitimate use of U+200D; we refuse ZWJ anyway
    # (it is the classic hiding character) and accept emoji without it.
    if unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") or ch in ("\r", "\x0b", "\x0c"):
        return _CONTROL
    return None


def check_text(value: str, max_len: int) -> str:
    """Return ``value`` unchanged if it obeys the free-text rules, else raise TextRuleError.

    The message is that of the first refused character. ASCII text is checked with one regular
    expression; other text character by character, each distinct character once (imports check
    hundreds of thousands of cells).
    """
    if len(value) > max_len:
        raise TextRuleError(f"is longer than the limit of {max_len} characters")
    if value.isascii():
        if _ASCII_CONTROL.search(value):
            raise TextRuleError(_CONTROL)
        return value
    if not any(_refusal(ch) for ch in set(value)):
        return value
    first = next(why for ch in value if (why := _refusal(ch)) is not None)
    raise TextRuleError(first)


def _short(value: str) -> str:
    return check_text(value, SHORT_TEXT_MAX)


def _long(value: str) -> str:
    return check_text(value, LONG_TEXT_MAX)


def _nonblank(value: str) -> str:
    if not value.strip():
        raise TextRuleError("must not be empty")
    return value


ShortText = Annotated[str, AfterValidator(_short)]
LongText = Annotated[str, AfterValidator(_long)]
RequiredShortText = Annotated[str, AfterValidator(_short), AfterValidator(_nonblank)]
RequiredLongText = Annotated[str, AfterValidator(_long), AfterValidator(_nonblank)]


# --- showing stored text -----------------------------------------------------------------

# Characters that open Markdown, GFM or maths syntax anywhere in a line: emphasis, code, links and
# images ([ ] !), HTML (< >), tables (|), strikethrough (~), maths ($), entities (&), e-mail
# autolinks (@), and the backslash itself. Parentheses only matter after "]", which
# is escaped, so names such as "Dr A (Ortho)" stay as typed in the Markdown source.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>!|~$&@])")
# A colon before a letter or "/" (":material/icon:", emoji shortcodes, ":red[...]" directives,
# "http://" autolinks); a time such as 08:50 is left alone. "www." gets its dot escaped.
_MD_COLON = re.compile(r":(?=[A-Za-z/])")
_MD_WWW = re.compile(r"(?i)\b(www)\.")
# A block marker at the start of a line: list (- + 1. 1)), setext (=), quote (>), heading (#).
_MD_LINE_START = re.compile(r"^(\s*)(\d+(?=[.)])|)([-+=.)>#])")


def _escape_line(line: str) -> str:
    escaped = _MD_WWW.sub(r"\1\\.", _MD_COLON.sub(r"\\:", _MD_SPECIAL.sub(r"\\\1", line)))
    return _MD_LINE_START.sub(lambda m: f"{m.group(1)}{m.group(2)}\\{m.group(3)}", escaped)


def md_inline(text: object) -> str:
    """Stored or user text as literal Markdown on one line (line breaks become spaces)."""
    return _escape_line(" ".join(str(text).split()))


def md_block(text: object) -> str:
    """Stored or user text as literal Markdown, each line kept as a hard line break."""
    lines = [" ".join(line.split()) for line in str(text).splitlines()]
    return "  \n".join(_escape_line(line) for line in lines)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A cell safe to open in a spreadsheet: text starting like a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
