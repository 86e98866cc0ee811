"""Make untrusted event text safe to show in a terminal.

Every string in a job event comes from a remote host, and a terminal acts on the
escape sequences it is sent: it can clear the screen, move the cursor, set the
clipboard (OSC 52), answer queries into our input (`ESC[6n`) or switch modes.
Event stdout needs its colours, so `sanitize_ansi` keeps SGR (`ESC [ params m`)
with plain numeric parameters and drops every other control; `strip_ansi` drops
SGR as well, for search and plain dumps; `safe_line` makes a one-line label.

Regexes do the work, and every one runs in linear time: the quantifiers are
possessive over disjoint character classes, and a sequence without its end
stops at the first character that cannot continue it.  A string sequence (OSC,
DCS, SOS, PM, APC) without its terminator also stops at a newline, so a broken
one hides at most the rest of its line, never the lines after it.

Only the standard library is used: the core package must not import Textual or
Rich.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["carry_sgr", "safe_line", "sanitize_ansi", "strip_ansi"]

#: Every meaningful SGR value fits in three digits (0-255).  Rich turns each
#: parameter into an `int`, which raises beyond 4300 digits, so longer ones go.
_MAX_SGR_DIGITS: Final = 3
#: Real SGRs have a handful of parameters; a huge one only costs render time.
_MAX_SGR_PARAMS: Final = 32

#: ESC and the 8-bit introducers (DCS, SOS, CSI, OSC, PM, APC): each starts a
#: sequence that goes on after it.
_INTRODUCERS: Final = r"\x1b\x90\x98\x9b\x9d\x9e\x9f"
#: The other characters to drop: C0 but TAB, LF, CR and ESC; DEL; the rest of
#: C1; and the bidi embeddings, overrides and isolates that reorder text.
_LONE_CONTROLS: Final = (
    r"\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x8f\x91-\x97\x99\x9a\x9c"
    r"\u202a-\u202e\u2066-\u2069"
)
#: What follows ESC in a well-formed SGR.
_SGR_TAIL: Final = (
    rf"\[(?:[0-9]{{0,{_MAX_SGR_DIGITS}}}+[;:]){{0,{_MAX_SGR_PARAMS - 1}}}+"
    rf"[0-9]{{0,{_MAX_SGR_DIGITS}}}+m"
)
#: A CSI after its introducer: parameter and intermediate bytes, final byte.
_CSI_TAIL: Final = r"[\x20-\x3f]*+[\x40-\x7e]?"
#: An OSC, DCS, SOS, PM or APC after its introducer: the payload up to BEL or
#: ST; CAN, SUB, ESC, any C1 or a newline also ends it.
_STRING_TAIL: Final = r"[^\x07\x18\x1a\x1b\x80-\x9f\n]*+(?:\x07|\x1b\\|[\x18\x1a\x9c])?"


def _drop_pattern(*, keep_sgr: bool) -> re.Pattern[str]:
    """Compile the regex of runs of control sequences and characters to drop.

    An item is one control character and, after an introducer, the rest of its
    sequence.  The pattern starts with a character class so the regex engine
    skips plain text fast, and items repeat so a flood of controls is one match.
    """
    keep = rf"(?!{_SGR_TAIL})" if keep_sgr else ""
    item = (
        rf"[{_INTRODUCERS}{_LONE_CONTROLS}](?:"
        rf"(?<=\x1b){keep}(?:[\]PX^_]{_STRING_TAIL}|\[{_CSI_TAIL}|[\x20-\x2f]*+[\x30-\x7e]?)"
        rf"|(?<=\x9b){_CSI_TAIL}"
        rf"|(?<=[\x90\x98\x9d\x9e\x9f]){_STRING_TAIL}"
        rf"|(?<![{_INTRODUCERS}])[{_LONE_CONTROLS}]*+)"
    )
    return re.compile(rf"{item}(?:{item})*+")


#: the two patterns, compiled when first used (each takes ~1 ms to compile, and a run's
#: load and first frame may need neither): keep_sgr -> pattern
_DROP: dict[bool, re.Pattern[str]] = {}
#: where either pattern can start: text without one of these has nothing to drop
_ANY_CONTROL: Final = re.compile(rf"[{_INTRODUCERS}{_LONE_CONTROLS}]")
_SURROGATE: Final = re.compile(r"[\ud800-\udfff]")
_SGR: Final = re.compile(r"\x1b\[[0-9;:]*m")
_LINE_WITH_CR: Final = re.compile(r"^[^\n\r]*+\r[^\n]*", re.MULTILINE)
#: In text without SGR, a line's start up to its last CR followed by text.
#: Greedy `[^\n]*` backtracks from the line's end: the first CR found is the last.
_OVERWRITTEN_PLAIN: Final = re.compile(r"^[^\n]*\r(?=[^\r\n])", re.MULTILINE)
#: In one line, the start up to the last CR followed by visible text.
_OVERWRITTEN: Final = re.compile(r"(?s).*\r(?=(?:\x1b\[[0-9;:]*m)*+[^\r\x1b])")
#: Everything before the last SGR that starts with a full reset (`0` or empty).
_BEFORE_RESET: Final = re.compile(r"(?s).*(?=\x1b\[0*[;m])")
#: At most this many SGRs are carried to the next line (real output sets one or two).
_MAX_CARRIED: Final = 16
#: A state whose last SGR is a plain reset (`ESC[m`, `ESC[0m`) carries nothing.
_ENDS_IN_RESET: Final = re.compile(r"\x1b\[0*m$")
_LINE_BREAKS: Final = str.maketrans(dict.fromkeys("\n\r\t\u2028\u2029", " "))


def _scrub(text: str, *, keep_sgr: bool) -> str:
    """Drop control sequences and characters, but not CR: see `_overwrite_lines`.

    Lone surrogates become U+FFFD so the result always encodes as UTF-8.
    """
    if not text.isascii():
        text = _SURROGATE.sub("\ufffd", text)
    if _ANY_CONTROL.search(text) is None:
        return text
    drop = _DROP.get(keep_sgr)
    if drop is None:
        drop = _DROP[keep_sgr] = _drop_pattern(keep_sgr=keep_sgr)
    return drop.sub("", text)


def _overwrite(match: re.Match[str]) -> str:
    """Resolve the CRs of one line that has SGRs, keeping the colour state."""
    line = match.group()
    overwritten = _OVERWRITTEN.match(line)
    if overwritten is None:
        return line.replace("\r", "")
    head = overwritten.group()
    reset = _BEFORE_RESET.match(head)
    carried = _SGR.findall(head, reset.end() if reset else 0)
    return "".join(carried) + line[overwritten.end() :].replace("\r", "")


def _overwrite_lines(text: str) -> str:
    """Turn CRLF into LF and resolve every other CR as a terminal would show it.

    A CR returns to the line start, so the text after the last CR of a line that
    is followed by visible text wins; a CR with nothing visible after it (as in
    `CR CR LF`) overwrites nothing.  A terminal would still show the tail of a
    longer earlier text, but progress output rewrites whole lines and keeping
    tails needs cell widths.  SGR state is not reset by CR, so the SGRs of the
    overwritten text stay, in order, from the last full reset on: the kept text
    has the colours the terminal gives it, and so has the next line.
    """
    if "\r" not in text:
        return text
    text = text.replace("\r\n", "\n")
    if "\r" not in text:
        return text
    if "\x1b" in text:
        return _LINE_WITH_CR.sub(_overwrite, text)
    return _OVERWRITTEN_PLAIN.sub("", text).replace("\r", "")


def sanitize_ansi(text: str) -> str:
    """Return `text` safe to render: only plain SGR colour/style sequences remain.

    Every other escape sequence and control character goes, except LF and TAB;
    CRs are resolved as in `_overwrite_lines`; lone surrogates become U+FFFD.
    """
    return _overwrite_lines(_scrub(text, keep_sgr=True))


def strip_ansi(text: str) -> str:
    """Return the plain text of `text`: `sanitize_ansi` without the SGRs.

    Searching it matches what the user sees on screen.
    """
    return _overwrite_lines(_scrub(text, keep_sgr=False))


def carry_sgr(lines: list[str]) -> list[str]:
    """Give each sanitized line the colour a terminal would still have at its start.

    SGR state outlives a line break: text coloured across lines keeps its colour when a
    line is drawn on its own (a log renders one line at a time). A line starts with the
    SGRs of the lines above from their last full reset on; a state that ends in a plain
    reset is no state. Lines are returned unchanged when nothing is carried.
    """
    state = ""
    out = lines
    for index, line in enumerate(lines):
        if state:
            if out is lines:
                out = list(lines)
            out[index] = state + line
        if "\x1b" in line:
            state = _sgr_state(state, line)
    return out


def _sgr_state(state: str, line: str) -> str:
    """The SGR state after `line`, starting from `state`."""
    reset = _BEFORE_RESET.match(line)
    if reset is not None:
        state = ""
    sgrs = _SGR.findall(line, reset.end() if reset else 0)
    if not sgrs:
        return state
    state += "".join(sgrs[-_MAX_CARRIED:])
    if _ENDS_IN_RESET.search(state):
        return ""
    if state.count("\x1b") > _MAX_CARRIED:  # a flood of SGRs: the last ones decide
        state = "".join(_SGR.findall(state)[-_MAX_CARRIED:])
    return state


def safe_line(text: str, limit: int = 500) -> str:
    """Return `text` as a one-line label of at most `limit` characters.

    Escape sequences go.  Line breaks, CRs and tabs become spaces: a CR must not
    let a name hide its own start.  A longer result ends in an ellipsis.  Labels
    are made for every node, so short printable text (wide, combining,
    right-to-left and emoji included) comes back unchanged without a scan.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    if len(text) <= limit and text.isprintable():
        return text
    line = _scrub(text, keep_sgr=False).replace("\r\n", "\n")
    if len(line) > limit:
        line = line[: limit - 1] + "…"
    return line.translate(_LINE_BREAKS)
