"""Event text is untrusted: only plain SGR may reach the terminal, and labels stay one line."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.text import Text

import jobevents.core.ansi as ansi_module
from jobevents.core.ansi import carry_sgr, safe_line, sanitize_ansi, strip_ansi

ESC = "\x1b"
SAFE_SGR = re.compile(r"\x1b\[[0-9;:]*m")
#: C0 but TAB and LF, DEL, C1, lone surrogates, bidi embeddings/overrides/isolates.
FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def assert_safe(out: str) -> None:
    """`out` has no control character, and no ESC outside a well-formed SGR."""
    rest = SAFE_SGR.sub("", out)
    assert ESC not in rest, repr(out)
    assert not FORBIDDEN.search(rest), repr(out)
    out.encode("utf-8")


# --- examples: what is kept ---------------------------------------------------------------


def test_ansible_stdout_keeps_colour_and_normalises_crlf() -> None:
    stdout = "\u001b[0;33mchanged: [tower1]\u001b[0m\r\nline2"
    assert sanitize_ansi(stdout) == "\u001b[0;33mchanged: [tower1]\u001b[0m\nline2"
    assert strip_ansi(stdout) == "changed: [tower1]\nline2"


@pytest.mark.parametrize(
    "sgr",
    [
        "\x1b[m",
        "\x1b[0m",
        "\x1b[1;31m",
        "\x1b[0;32m",
        "\x1b[38;5;208m",
        "\x1b[48;2;255;128;0m",
        "\x1b[38:2::255:0:0m",
        "\x1b[4:3m",
        "\x1b[;1m",
    ],
)
def test_well_formed_sgr_is_kept(sgr: str) -> None:
    text = f"a{sgr}b"
    assert sanitize_ansi(text) == text
    assert strip_ansi(text) == "ab"


@pytest.mark.parametrize("text", ["", "plain", "tab\tand\nnewline\n", "wide 界 é 👍 עברית"])
def test_plain_text_is_unchanged(text: str) -> None:
    assert sanitize_ansi(text) == text
    assert strip_ansi(text) == text


# --- examples: what is dropped ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # CSI with a final byte other than m
        ("a\x1b[2Jb", "ab"),
        ("a\x1b[Hb", "ab"),
        ("a\x1b[10;20Hb", "ab"),
        ("a\x1b[3Ab\x1b[2Cc\x1b[Kd", "abcd"),
        ("a\x1b[6nb", "ab"),
        ("a\x1b[c\x1b[>cb", "ab"),
        ("a\x1b[21tb", "ab"),
        ("a\x1b[?2004hb\x1b[?2004l", "ab"),
        ("a\x1b[200~pasted\x1b[201~b", "apastedb"),
        ("a\x1b[?1049hb", "ab"),
        ("a\x1b[?25lb", "ab"),
        ("a\x1b[5ib", "ab"),
        ("a\x1b[0 qb", "ab"),
        # would-be SGR with parameters other than digits, ; and :
        ("a\x1b[?25mb", "ab"),
        ("a\x1b[>4;1mb", "ab"),
        ("a\x1b[<1mb", "ab"),
        ("a\x1b[=5mb", "ab"),
        ("a\x1b[1 mb", "ab"),
        ("a\x1b[31!mb", "ab"),
        # SGR whose parameters could hurt a renderer (Rich raises on > 4300 digits)
        ("a\x1b[" + "9" * 5000 + "mb", "ab"),
        ("a\x1b[1234mb", "ab"),
        ("a\x1b[" + "1;" * 40 + "1mb", "ab"),
        # OSC, terminated by BEL, ST or 8-bit ST
        ("a\x1b]0;evil title\x07b", "ab"),
        ("a\x1b]2;evil title\x1b\\b", "ab"),
        ("a\x1b]52;c;ZWNobyBwd25lZA==\x07b", "ab"),
        ("a\x1b]52;c;ZWNobyBwd25lZA==\x1b\\b", "ab"),
        ("a\x1b]4;1;rgb:ff/00/00\x07b", "ab"),
        ("a\x1b]0;title\x9cb", "ab"),
        # OSC 8: the link goes, its text stays
        ("\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\", "click me"),
        ("\x1b]8;id=1;https://evil.example/\x07click me\x1b]8;;\x07!", "click me!"),
        # OSC without terminator: to the end of the text, or of the line
        ("a\x1b]0;never ends", "a"),
        ("a\x1b]0;never ends\nnext line", "a\nnext line"),
        ("a\x1b]0;cut by CAN\x18b", "ab"),
        ("a\x1b]0;cut by SUB\x1ab", "ab"),
        # DCS, SOS, PM, APC up to ST
        ("a\x1bPq#0;2;0;0;0#0~~@@\x1b\\b", "ab"),
        ("a\x1bP$qm\x1b\\b", "ab"),
        ("a\x1bP+q544e\x1b\\b", "ab"),
        ("a\x1bXsos payload\x1b\\b", "ab"),
        ("a\x1b^privacy message\x1b\\b", "ab"),
        ("a\x1b_application command\x1b\\b", "ab"),
        ("a\x1b_unterminated", "a"),
        # 8-bit C1: CSI and OSC with their parameters, DCS and friends, lone ones
        ("a\x9b2Jb", "ab"),
        ("a\x9b31mb", "ab"),
        ("a\x9b?1049hb", "ab"),
        ("a\x9d0;title\x07b", "ab"),
        ("a\x9d52;c;ZXZpbA==\x9cb", "ab"),
        ("a\x90q#0~\x9cb", "ab"),
        ("a\x98sos\x9cb\x9epm\x9cc\x9fapc\x9cd", "abcd"),
        ("a\x84b\x85c\x8dd\x8ee\x9cf\x80g\x9ah", "abcdefgh"),
        # two-character ESC sequences and friends
        ("a\x1bcb", "ab"),
        ("a\x1b7b\x1b8c", "abc"),
        ("a\x1b=b\x1b>c", "abc"),
        ("a\x1bDb\x1bMc\x1bEd", "abcd"),
        ("a\x1b(0b\x1b(Bc", "abc"),
        ("a\x1b#8b", "ab"),
        ("a\x1b%Gb", "ab"),
        ("a\x1b\\b", "ab"),
        ("a\x1b\x1b[31mb", "a\x1b[31mb"),
        # lone or cut-off ESC at the end
        ("a\x1b", "a"),
        ("a\x1b[", "a"),
        ("a\x1b[12;", "a"),
        ("a\x1b[12;3", "a"),
        ("a\x1b]", "a"),
        ("a\x1b(", "a"),
        # control characters
        ("a\x07b", "ab"),
        ("a\x08b", "ab"),
        ("a\x00b", "ab"),
        ("a\x0bb\x0cc", "abc"),
        ("a\x0eb\x0fc", "abc"),
        ("a\x7fb", "ab"),
        ("a\x1c\x1d\x1e\x1fb", "ab"),
        ("a\tb\nc", "a\tb\nc"),
        # bidi overrides and isolates reorder what is shown
        ("a\u202eb\u2066c\u2069", "abc"),
    ],
)
def test_controls_are_dropped(text: str, expected: str) -> None:
    out = sanitize_ansi(text)
    assert out == expected
    assert_safe(out)
    assert strip_ansi(text) == SAFE_SGR.sub("", expected)


def test_sequence_interrupted_by_esc_lets_the_next_one_through() -> None:
    assert sanitize_ansi("\x1b]0;title\x1b[31mred") == "\x1b[31mred"
    assert sanitize_ansi("\x1bPdata\x1b[1mbold") == "\x1b[1mbold"


def test_lone_surrogates_become_replacement_characters() -> None:
    out = sanitize_ansi("a\ud800b\udfffc")
    assert out == "a\ufffdb\ufffdc"
    out.encode("utf-8")
    assert strip_ansi("\udc80") == "\ufffd"
    assert safe_line("x\ud83dy") == "x\ufffdy"


# --- carriage returns ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\r\nb\r\n", "a\nb\n"),
        ("old\rnew", "new"),
        ("10%\r20%\r100%\nnext", "100%\nnext"),
        ("one\rtwo\nthree\rfour", "two\nfour"),
        # a CR with nothing visible after it overwrites nothing
        ("done\r", "done"),
        ("done\r\r\n", "done\n"),
        ("\r\r\r", ""),
        ("\rtext", "text"),
        # progress bars clear with spaces: the spaces win
        ("50%\r    \r", "    "),
        ("a\n\rb", "a\nb"),
    ],
)
def test_carriage_return_keeps_what_the_terminal_finally_shows(text: str, expected: str) -> None:
    assert sanitize_ansi(text) == expected
    assert strip_ansi(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the colour set before the CR still applies to the text after it
        ("\x1b[32m 10%\r 20%\r100%\x1b[0m", "\x1b[32m100%\x1b[0m"),
        ("\x1b[31mold\rnew\x1b[0m\r\nnext", "\x1b[31mnew\x1b[0m\nnext"),
        # SGRs before the last full reset are moot
        ("\x1b[1m\x1b[31mA\x1b[0m\x1b[32mB\rC", "\x1b[0m\x1b[32mC"),
        ("\x1b[1mA\x1b[0;32mB\x1b[4m\rC", "\x1b[0;32m\x1b[4mC"),
        ("\x1b[1mA\x1b[m\rC", "\x1b[mC"),
        # SGRs after the kept text are kept too, so the next line's state is right
        ("\x1b[31mA\rB\r\x1b[0m\n", "\x1b[31mB\x1b[0m\n"),
        # a line with SGRs and no visible text keeps them
        ("\x1b[31m\r\x1b[1m\r", "\x1b[31m\x1b[1m"),
        # a CR followed only by SGRs overwrites nothing
        ("keep\r\x1b[0m", "keep\x1b[0m"),
    ],
)
def test_carriage_return_keeps_colour_state(text: str, expected: str) -> None:
    assert sanitize_ansi(text) == expected
    assert strip_ansi(text) == SAFE_SGR.sub("", expected)


# --- safe_line ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "web01.example.com",
        "install packages",
        "サーバー",
        "服务器-01",
        "e\u0301te\u0301",  # combining accents
        "Z\u0351\u0352a\u0353l\u0354go",  # stacked combining marks
        "שרת ראשי",  # right-to-left
        "خادم",
        "deploy 🚀 🇫🇷",
        "👨\u200d👩\u200d👧",  # ZWJ sequence (ZWJ is not printable to Python)
        "a\u00a0b",  # no-break space (not printable to Python)
        "x" * 500,
    ],
)
def test_safe_line_keeps_printable_names(name: str) -> None:
    assert safe_line(name) == name


def test_safe_line_returns_short_printable_text_itself() -> None:
    name = "web01.example.com"
    assert safe_line(name) is name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\nb", "a b"),
        ("a\r\nb", "a b"),
        ("a\tb", "a b"),
        ("a\u2028b\u2029c", "a b c"),
        # a CR must not let the end of a name hide its start
        ("real name\rfake", "real name fake"),
        ("\x1b[31mred\x1b[0m host", "red host"),
        ("host\x1b]0;title\x07\x1b[2J", "host"),
        ("a\x00\x07\x08\x7f\x85b", "ab"),
        ("\u202eevil", "evil"),
        ("", ""),
    ],
)
def test_safe_line_makes_one_plain_line(text: str, expected: str) -> None:
    assert safe_line(text) == expected


def test_safe_line_truncates_with_an_ellipsis() -> None:
    assert safe_line("x" * 501) == "x" * 499 + "…"
    assert safe_line("abcdef", 4) == "abc…"
    assert safe_line("abcd", 4) == "abcd"
    assert safe_line("abcdef", 1) == "…"
    # escapes do not count towards the limit
    assert safe_line("\x1b[31m" + "abcd" + "\x1b[0m", 4) == "abcd"
    assert safe_line("界" * 10, 5) == "界界界界…"


def test_safe_line_rejects_a_limit_below_one() -> None:
    with pytest.raises(ValueError):
        safe_line("abc", 0)


# --- adversarial sizes --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "\x1b[" * 500_000,
        "\x1b]" * 500_000,
        "\x1b]" + "a" * 1_000_000,
        "\x1b[" + "1" * 1_000_000,
        "\x1b[" + "1;" * 500_000 + "m",
        "\x1b" * 1_000_000,
        "\x9b" * 1_000_000,
        "\x00" * 1_000_000,
        "\r" * 1_000_000,
        "a\r" * 500_000,
        "\x1b[31m\r" * 100_000 + "x",
    ],
    ids=[
        "csi-flood",
        "osc-flood",
        "osc-unterminated",
        "csi-long-params",
        "sgr-too-long",
        "esc-flood",
        "c1-csi-flood",
        "nul-flood",
        "cr-flood",
        "overwrite-flood",
        "sgr-cr-flood",
    ],
)
def test_adversarial_megabyte_completes(text: str) -> None:
    assert_safe(sanitize_ansi(text))
    assert ESC not in strip_ansi(text)
    assert len(safe_line(text)) <= 500


# --- properties ---------------------------------------------------------------------------

SNIPPETS = [
    *"\x1b\x07\x9b\x9d\x9c\x90\x98\x9e\x9f\x85\r\n\t\x00\x08\x7f\x18\x1a",
    "\x1b[",
    "\x1b]",
    "\x1bP",
    "\x1bX",
    "\x1b^",
    "\x1b_",
    "\x1b\\",
    "\r\n",
    *"m;:0123456789?>=<! [](#%PHJKcn~",
    "8;;",
    "52;c;",
    "1234",
    "\x1b[31m",
    "\x1b[0m",
    "\x1b[38;5;208m",
    "\x1b[2J",
    "\x1b[6n",
    "\x1b]0;t\x07",
    "\x1b]8;;http://x\x1b\\",
    "\ud800",
    "\udfff",
    "\u202e",
    "\u2028",
    "\u200d",
    "é",
    "界",
    "👍",
]
hostile = st.lists(
    st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=4)),
    max_size=40,
).map("".join)
printable = st.text(
    st.characters(exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"))
    | st.sampled_from(" \n\t")
)


@given(hostile)
def test_sanitize_leaves_only_well_formed_sgr(text: str) -> None:
    assert_safe(sanitize_ansi(text))


@given(hostile)
def test_sanitize_is_idempotent(text: str) -> None:
    once = sanitize_ansi(text)
    assert sanitize_ansi(once) == once


@given(hostile)
def test_strip_leaves_no_escape_at_all(text: str) -> None:
    out = strip_ansi(text)
    assert ESC not in out
    assert_safe(out)
    assert strip_ansi(out) == out


@given(hostile)
def test_strip_is_sanitize_without_sgr(text: str) -> None:
    assert strip_ansi(text) == SAFE_SGR.sub("", sanitize_ansi(text))


@given(hostile)
def test_scrub_is_the_drop_patterns_sub(text: str) -> None:
    """The quick look for a control (no match: the text as is) changes no result."""
    text = ansi_module._SURROGATE.sub("\ufffd", text)
    for keep_sgr in (True, False):
        pattern = ansi_module._drop_pattern(keep_sgr=keep_sgr)
        assert ansi_module._scrub(text, keep_sgr=keep_sgr) == pattern.sub("", text)


def test_plain_text_compiles_no_drop_pattern(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each drop pattern takes ~1 ms to compile: a run whose text has no control (most
    runs) loads and shows its first frame without them."""
    monkeypatch.setattr(ansi_module, "_DROP", {})
    assert strip_ansi("ok: [host] => changed\n\tdone\r\n") == "ok: [host] => changed\n\tdone\n"
    assert sanitize_ansi("plain, 界 👍") == "plain, 界 👍"
    assert safe_line("a\nb") == "a b"
    assert ansi_module._DROP == {}
    assert strip_ansi("\x1b[31mred\x1b[0m") == "red"
    assert list(ansi_module._DROP) == [False]


@given(printable)
def test_printable_text_is_unchanged(text: str) -> None:
    assert sanitize_ansi(text) == text
    assert strip_ansi(text) == text


@given(hostile, st.integers(min_value=1, max_value=60))
def test_safe_line_is_one_safe_line(text: str, limit: int) -> None:
    out = safe_line(text, limit)
    assert len(out) <= limit
    assert_safe(out)
    assert not re.search(r"[\x1b\n\r\t\u2028\u2029]", out)


@given(printable.filter(lambda s: "\n" not in s and "\t" not in s))
def test_safe_line_keeps_short_printable_text(text: str) -> None:
    assert safe_line(text, max(len(text), 1)) == text


# --- what Rich makes of it ----------------------------------------------------------------

HOSTILE_EXAMPLES = [
    "\x1b]52;c;ZXZpbA==\x07\x1b[2J\x1b[H\x1b[6n",
    "\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\",
    "\x1b[?1049h\x1b[?2004h\x1b[200~rm -rf /\x1b[201~",
    "\x9b2J\x9d0;title\x07\x90q#0~\x9c",
    "\x1b[" + "9" * 5000 + "mboom",
    "\x1b[38;5;99999999m\x1b[38;2;999;999;999mtoo big",
    "\x1bc\x1b7\x1b8\x1b(0\x1b#8",
    "\x1b[31mred\rgreen\x1b[0m\r\n\x07\x08\x00",
]


@pytest.mark.parametrize("text", HOSTILE_EXAMPLES)
def test_rich_renders_sanitized_hostile_text_as_plain_text(text: str) -> None:
    rendered = Text.from_ansi(sanitize_ansi(text))
    assert_safe(rendered.plain)
    assert rendered.plain == strip_ansi(text)
    assert not any(span.style and "link" in str(span.style) for span in rendered.spans)


@given(hostile)
def test_rich_sees_no_control_codes_after_sanitize(text: str) -> None:
    rendered = Text.from_ansi(sanitize_ansi(text))
    assert_safe(rendered.plain)
    assert ESC not in rendered.plain
    assert rendered.plain == strip_ansi(text)


# --- the core package stays free of UI libraries ------------------------------------------


def test_ansi_module_imports_only_the_standard_library() -> None:
    tree = ast.parse(Path(ansi_module.__file__).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported <= {"__future__", "re", "typing"}


# --- colour carried from line to line (the log draws one line at a time) -----------------


def test_colour_held_across_lines_is_carried_to_each_line() -> None:
    lines = ["\x1b[31mred", "still red", "\x1b[0mplain", "plain", "\x1b[1mbold\x1b[m", "x"]
    assert carry_sgr(lines) == [
        "\x1b[31mred",
        "\x1b[31mstill red",
        "\x1b[31m\x1b[0mplain",
        "plain",
        "\x1b[1mbold\x1b[m",
        "x",
    ]


def test_lines_closing_their_colour_carry_nothing() -> None:
    ansible = ["\x1b[0;32mok: [a] => {\x1b[0m", "\x1b[0;32m}\x1b[0m", "plain"]
    assert carry_sgr(ansible) is ansible


def test_a_flood_of_colours_carries_only_the_last_ones() -> None:
    flood = "".join(f"\x1b[3{i % 8}m" for i in range(10_000))
    carried = carry_sgr([flood, "next"])[1]
    assert carried.endswith("next") and carried.count("\x1b") <= 16
    assert carried.startswith("\x1b[3")
