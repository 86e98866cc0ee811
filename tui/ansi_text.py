"""Sanitized host output as Rich text, with Ansible's colours as a terminal shows them.

Ansible names its colours for terminals that draw bold text bright: "dark gray" is
`ESC[1;30m` (bold black), "bright red" `ESC[1;31m`. Textual turns ANSI colours into the
theme's true colours, where black stays black, so "FAILED - RETRYING" lines would be black
on a dark background. Bold standard colours are shown as their bright variants, as xterm does.
"""

from __future__ import annotations

from rich.color import Color, ColorType
from rich.style import Style
from rich.text import Span, Text


def ansi_line(sanitized: str) -> Text:
    """One line of `sanitize_ansi` output as Text: its SGR colours, bold ones bright."""
    text = Text.from_ansi(sanitized, no_wrap=True, end="")
    spans = text.spans
    if spans:
        text.spans = [_bright_if_bold(span) for span in spans]
    return text


def _bright_if_bold(span: Span) -> Span:
    style = span.style
    if not isinstance(style, Style) or not style.bold:
        return span
    color = style.color
    if color is None or color.type != ColorType.STANDARD or color.number is None:
        return span
    if color.number >= 8:
        return span
    return Span(span.start, span.end, style + Style(color=Color.from_ansi(color.number + 8)))
