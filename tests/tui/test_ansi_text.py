"""Host output as Rich text: colours kept, Ansible's bold colours bright as a terminal shows."""

from __future__ import annotations

from rich.color import Color
from rich.style import Style

from jobevents.core.ansi import sanitize_ansi
from jobevents.tui.ansi_text import ansi_line


def test_ansible_dark_gray_is_bright_black_not_black() -> None:
    # ansible prints "FAILED - RETRYING" in "dark gray", ESC[1;30m
    text = ansi_line(sanitize_ansi("\x1b[1;30mFAILED - RETRYING\x1b[0m"))
    assert text.plain == "FAILED - RETRYING"
    [span] = text.spans
    assert isinstance(span.style, Style)
    assert span.style.color == Color.from_ansi(8) and span.style.bold


def test_plain_and_bright_colours_and_markup_stay_as_they_are() -> None:
    text = ansi_line(sanitize_ansi("\x1b[0;32mok: [web1]\x1b[0m [bold]x[/] \x1b[1;91mhi\x1b[0m"))
    assert text.plain == "ok: [web1] [bold]x[/] hi"  # data, never markup
    styles = [span.style for span in text.spans]
    assert Style(color=Color.from_ansi(2)) in styles
    assert any(isinstance(s, Style) and s.color == Color.from_ansi(9) for s in styles)
