"""Make untrusted text (everything a gateway sends) safe to show in a terminal.

Strips ESC-introduced sequences (CSI, OSC, DCS, ...), C0 and C1 control
characters, DEL, and Unicode bidi/format controls that could reorder or hide
what is displayed. Newlines and tabs survive only where the caller allows them
(multi-line lyrics do, one-line cells do not). The result is plain text: the
caller must still render it as text, never as markup.

Also keeps credentials written into URLs (``user:password@``, a proxy's or a
base URL pasted with one) out of messages that quote the URL back.
"""

from __future__ import annotations

import re

# A whole escape sequence: CSI ... final byte, OSC/DCS/SOS/PM/APC ... terminator
# (BEL or ST), or a two-character ESC sequence. Removing the whole sequence
# rather than just ESC keeps its payload (e.g. an OSC 52 clipboard write) out of
# the text too.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]?              # CSI
    | \x1b[\]PX^_].*?(?:\x07|\x1b\\|$)    # OSC, DCS, SOS, PM, APC up to BEL or ST
    | \x9b[0-?]*[ -/]*[@-~]?              # 8-bit CSI
    | [\x90\x98\x9d\x9e\x9f].*?(?:\x07|\x9c|$)  # 8-bit string controls up to ST
    | \x1b[ -~]?                          # any other ESC + one character
    """,
    re.VERBOSE | re.DOTALL,
)
# Invisible fillers: printable to Python, blank or nothing on screen, used to
# make a title look empty or to hide text. Removed: combining or conjoining
# marks that show nothing (U+034F grapheme joiner, U+115F/U+1160 Hangul
# conjoining fillers, U+17B4/U+17B5 Khmer inherent vowels, which Unicode says
# not to use) and U+180E (a format control). Replaced by a space: the spacing
# blanks (U+2800 braille blank, U+3164/U+FFA0 Hangul fillers), which stand
# for a space in braille art and Hangul text.
_HIDDEN = "\u034f\u115f\u1160\u17b4\u17b5\u180e"
_BLANKS = "\u2800\u3164\uffa0"
_FILLER = re.compile(f"[{_HIDDEN}{_BLANKS}]")
_BLANK = re.compile(f"[{_BLANKS}]")
# C0 (but tab/newline, handled separately), DEL, C1, and the Unicode bidi and
# invisible-format controls (LRM/RLM, embeddings, overrides, isolates, BOM,
# interlinear annotations, tag characters), and lone surrogates (they cannot
# be encoded for the terminal at all). ZWJ/ZWNJ stay: emoji sequences and
# several scripts need them, and they cannot reorder or hide text.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e"
    "\u2060-\u2069\ufeff\ufff9-\ufffb\U000e0000-\U000e007f\ud800-\udfff"
    f"{_HIDDEN}]"
)
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\u2028\u2029\x85]")


def clean_text(value: object, *, multiline: bool = False) -> str:
    """Return ``value`` as display-safe text.

    ``multiline`` keeps line breaks (normalised to ``\\n``) and tabs;
    otherwise they become single spaces so the text fits one cell.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    # Fast path: the common case has nothing to strip (ASCII needs no search).
    if text.isprintable() and (text.isascii() or _FILLER.search(text) is None):
        return text
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = _LINE_BREAKS.sub("\n", text)
    # Tabs become spaces either way: their width depends on the terminal.
    text = text.replace("\t", "    ") if multiline else text.replace("\n", " ").replace("\t", " ")
    return _BLANK.sub(" ", _CONTROL.sub("", text))


def clean_line(value: object) -> str:
    """One-line display-safe text (for table cells, status lines, errors)."""
    return clean_text(value, multiline=False)


# --- credentials in URLs
# The user-info part of one URL (scheme and slashes optional, as typos go).
_LEADING_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*:/*)?[^/?#\s]*@")
# The user-info part of any URL inside a longer text.
_USERINFO_IN_TEXT = re.compile(r"(?<=//)[^/?#\s'\"<>()]*@")


def without_userinfo(url: str) -> str:
    """``url`` with its ``user:password@`` (if any) replaced by ``***@``."""
    return _LEADING_USERINFO.sub(lambda match: (match.group(1) or "") + "***@", url)


def mask_userinfo(text: str) -> str:
    """``text`` with the user info of every ``scheme://user:pass@host`` in it masked."""
    return _USERINFO_IN_TEXT.sub("***@", text)
