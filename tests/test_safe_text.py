"""Untrusted text from the gateway made safe to print in a terminal."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from suno_tui.safe_text import clean_line, clean_text

ESC = "\x1b"
BEL = "\x07"
ST = ESC + "\\"


class TestEscapeSequences:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (f"{ESC}[31mred{ESC}[0m", "red"),
            (f"a{ESC}[1;32;40mb", "ab"),
            (f"{ESC}[2J{ESC}[Hcleared", "cleared"),
            (f"{ESC}[?1049hALT", "ALT"),  # alternate screen
            (f"{ESC}[6n?", "?"),  # cursor position report request
            (f"x{ESC}[", "x"),  # cut off before the final byte
            (f"x{ESC}[31", "x"),
        ],
    )
    def test_csi(self, text: str, expected: str) -> None:
        assert clean_text(text) == expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (f"a{ESC}]0;pwned{BEL}b", "ab"),  # window title, BEL-terminated
            (f"a{ESC}]2;pwned{ST}b", "ab"),  # window title, ST-terminated
            # OSC 52: write to the clipboard; the payload must go too
            (f"a{ESC}]52;c;cm0gLXJmIH4v{BEL}b", "ab"),
            (f"a{ESC}]52;c;cm0gLXJmIH4v{ST}b", "ab"),
            (f"a{ESC}]8;;https://evil.example{ST}link{ESC}]8;;{ST}b", "alinkb"),  # hyperlink
            (f"a{ESC}Pq#0;2;0;0;0{ST}b", "ab"),  # DCS (sixel)
            (f"a{ESC}_apc{ST}b", "ab"),
            (f"a{ESC}^pm{ST}b", "ab"),
            (f"a{ESC}Xsos{ST}b", "ab"),
        ],
    )
    def test_string_sequences(self, text: str, expected: str) -> None:
        assert clean_text(text) == expected

    def test_unterminated_osc_takes_the_rest(self) -> None:
        assert clean_text(f"title{ESC}]52;c;cm0gLXJmIH4v and more") == "title"

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("a\x9b31mb", "ab"),  # 8-bit CSI
            ("a\x9b2Jb", "ab"),
            ("a\x9d0;pwned\x07b", "ab"),  # 8-bit OSC, BEL
            ("a\x9d52;c;eA==\x9cb", "ab"),  # 8-bit OSC, 8-bit ST
            ("a\x90q\x9cb", "ab"),  # 8-bit DCS
            ("a\x9fapc\x9cb", "ab"),
            ("a\x85b", "a b"),  # NEL is a line break
            ("a\x80\x81\x8d\x9cb", "ab"),  # other C1
        ],
    )
    def test_c1(self, text: str, expected: str) -> None:
        assert clean_text(text) == expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (f"{ESC}c reset", " reset"),  # RIS, two characters
            (f"a{ESC}7b{ESC}8c", "abc"),  # save/restore cursor
            (f"a{ESC}", "a"),
            (f"{ESC}{ESC}[31mx", "x"),
        ],
    )
    def test_other_escapes(self, text: str, expected: str) -> None:
        assert clean_text(text) == expected


class TestControls:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("a\x00b", "ab"),
            ("a\x07b", "ab"),  # BEL alone
            ("a\x08b", "ab"),  # backspace could overwrite what is shown
            ("a\x7fb", "ab"),  # DEL
            ("a\x0eb\x0fc", "abc"),  # shift out/in
            ("a\x1fb", "ab"),
        ],
    )
    def test_c0_and_del(self, text: str, expected: str) -> None:
        assert clean_text(text) == expected
        assert clean_text(text, multiline=True) == expected

    @pytest.mark.parametrize(
        "char",
        [
            "\u202a",
            "\u202b",
            "\u202c",
            "\u202d",
            "\u202e",  # RIGHT-TO-LEFT OVERRIDE
            "\u2066",
            "\u2067",
            "\u2068",
            "\u2069",
            "\u200e",
            "\u200f",
            "\u061c",
        ],
    )
    def test_bidi_controls(self, char: str) -> None:
        assert clean_text(f"invoice{char}fdp.exe") == "invoicefdp.exe"

    @pytest.mark.parametrize(
        "char", ["\u200b", "\u2060", "\ufeff", "\ufff9", "\ufffb", "\U000e0041", "\U000e007f"]
    )
    def test_invisible_characters(self, char: str) -> None:
        assert clean_text(f"pay{char}pal") == "paypal"

    def test_joiners_are_kept_for_emoji_and_scripts(self) -> None:
        family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
        persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
        assert clean_text(family) == family
        assert clean_text(persian) == persian


class TestLines:
    def test_one_line(self) -> None:
        assert clean_text("l1\r\nl2\rl3\nl4\x0bl5\x0cl6\u2028l7\u2029l8") == (
            "l1 l2 l3 l4 l5 l6 l7 l8"
        )

    def test_multiline_normalises_breaks(self) -> None:
        text = "l1\r\nl2\rl3\nl4\x0bl5\x0cl6\u2028l7\u2029l8\x85l9"
        assert clean_text(text, multiline=True) == "l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\nl9"

    def test_lyrics_keep_their_layout(self) -> None:
        lyrics = "[Verse]\r\nCity lights\r\n\r\n[Chorus]\r\nHold on"
        assert clean_text(lyrics, multiline=True) == "[Verse]\nCity lights\n\n[Chorus]\nHold on"

    def test_tabs(self) -> None:
        assert clean_text("a\tb") == "a b"
        assert clean_text("a\tb", multiline=True) == "a    b"

    def test_clean_line_is_one_line(self) -> None:
        assert clean_line("a\nb\x1b[31m\tc") == "a b c"


class TestKept:
    @pytest.mark.parametrize(
        "text",
        [
            "Neon Rain",
            "生成失败：歌词包含敏感内容",
            "夜に駆ける",
            "사랑해",
            "🎵🔥 Mood 💃🏽",
            "مرحبا بالعالم",  # right-to-left text itself is fine
            "Ünïcödé café",
            "[bold]not bold[/bold]",
            "[/foo]",
            "[@click=app.quit]x",
            "100% [ok] \\[escaped]",
            "",
        ],
    )
    def test_printable_text_is_unchanged(self, text: str) -> None:
        assert clean_text(text) == text
        assert clean_text(text, multiline=True) == text

    def test_markup_survives_the_slow_path_too(self) -> None:
        assert clean_text(f"[bold]{ESC}[31mx[/bold]\n") == "[bold]x[/bold] "

    def test_nbsp_and_wide_space_kept(self) -> None:
        assert clean_text("a\u00a0b\u3000c") == "a\u00a0b\u3000c"

    @pytest.mark.parametrize(("value", "expected"), [(None, ""), (42, "42"), (1.5, "1.5")])
    def test_non_strings(self, value: object, expected: str) -> None:
        assert clean_text(value) == expected


# -- property -----------------------------------------------------------------


def _forbidden(char: str, *, multiline: bool) -> bool:
    code = ord(char)
    if char == "\n":
        return not multiline
    return (
        code < 0x20  # C0, ESC included
        or 0x7F <= code <= 0x9F  # DEL and C1
        or code == 0x061C
        or 0x200B <= code <= 0x200F  # zero-width, LRM/RLM
        or 0x2028 <= code <= 0x202E  # line/paragraph separators, embeddings, overrides
        or 0x2060 <= code <= 0x2069  # word joiner ... isolates
        or code == 0xFEFF
    )


# Text biased towards the dangerous code points, plus anything else.
_dangerous = st.sampled_from(
    [
        *(ESC, "[", "]", "P", "\\", BEL, "\x9b", "\x9c", "\x9d", "\x85", "\r", "\n", "\t"),
        *("\u202e", "\u2066", "\u2069", "\u200b", "\ufeff", "\x00", "\x7f", "m", ";", "5"),
    ]
)
_text = st.text(alphabet=_dangerous | st.characters(), max_size=60)


@settings(max_examples=300, deadline=None)
@given(_text, st.booleans())
@example(f"{ESC}]52;c;eA=={BEL}", False)
@example(f"\x9b{ESC}[\n\u202e", True)
def test_output_never_contains_controls(text: str, multiline: bool) -> None:
    cleaned = clean_text(text, multiline=multiline)
    bad = [hex(ord(char)) for char in cleaned if _forbidden(char, multiline=multiline)]
    assert bad == []
    assert clean_text(cleaned, multiline=multiline) == cleaned  # idempotent


# Issue #14 item 13a: fillers that are printable to Python but show nothing.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\u3164b", "a b"),  # Hangul filler: a blank, kept as a space
        ("\uffa0", " "),  # halfwidth Hangul filler
        ("\u2800\u2800", "  "),  # braille blank
        ("\u115fname", "name"),  # Hangul choseong filler
        ("\u1160name", "name"),  # Hangul jungseong filler
        ("e\u034fe", "ee"),  # combining grapheme joiner
        ("\u17b4k\u17b5", "k"),  # Khmer inherent vowels
        ("a\u180eb", "ab"),  # Mongolian vowel separator
    ],
)
def test_invisible_fillers_are_removed_or_become_spaces(text: str, expected: str) -> None:
    assert clean_line(text) == expected
    assert clean_text(text, multiline=True) == expected


def test_text_made_only_of_fillers_is_blank() -> None:
    assert clean_line("\u3164\u115f\u2800\uffa0\u034f\u17b4").strip() == ""
