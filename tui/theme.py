"""Status glyphs, and their styles taken from the active Textual theme.

Every style here comes from a theme variable (`$success`, `$warning`, `$error`, `$primary`,
`$secondary`, `$accent`, `$foreground`), made readable on the theme's background (a
colour too close to it is blended toward the foreground) and distinct from the other
statuses. `apply_theme` rewrites the dicts in place when the app's theme changes, so every
module that imported them paints with the new theme; the views then rebuild their cached
lines (`RunView.restyle`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from rich.color import Color as RichColor
from rich.style import Style
from textual.color import Color
from textual.theme import BUILTIN_THEMES

STATUS_GLYPH: Final[dict[str, str]] = {
    "ok": "✔",
    "changed": "~",
    "failed": "✘",
    "ignored": "✗",
    "rescued": "↺",
    "skipped": "↷",
    "unreachable": "⊘",
    "running": "●",
}

#: what each status means, for the help screen's legend
STATUS_MEANING: Final[dict[str, str]] = {
    "ok": "ok",
    "changed": "changed",
    "failed": "failed",
    "ignored": "failed, ignore_errors",
    "rescued": "failed, then rescued",
    "skipped": "skipped",
    "unreachable": "unreachable",
    "running": "running",
}

#: status -> (theme variables to try in turn, text attributes): the first whose colour is
#: apart from the statuses before it wins; the attributes keep statuses apart further
STATUS_SOURCE: Final[dict[str, tuple[tuple[str, ...], str]]] = {
    "ok": (("success",), ""),
    "changed": (("warning",), ""),
    "failed": (("error",), "bold"),
    "ignored": (("secondary", "secondary-lighten-2", "primary-lighten-2", "accent-lighten-2"), ""),
    "rescued": (
        ("accent", "accent-lighten-2", "secondary-lighten-3", "primary-lighten-3"),
        "italic",
    ),
    "skipped": (("muted", "muted-near", "muted-far"), ""),
    "unreachable": (
        ("accent-darken-2", "primary-lighten-1", "secondary-darken-1", "accent-lighten-3"),
        "bold",
    ),
    "running": (("primary", "primary-lighten-2", "secondary-lighten-1", "accent-darken-1"), "bold"),
}

#: the skipped colour: the foreground this far toward the background
_MUTED: Final[dict[str, float]] = {"muted": 0.45, "muted-near": 0.25, "muted-far": 0.6}
#: WCAG's floor for large text and UI parts: a status must stand this far from the background
MIN_CONTRAST = 3.0
#: colours closer than this (RGB distance) read as one: the later status is moved off
MIN_DISTANCE = 60.0
#: ANSI themes leave colours to the terminal: a status whose colour is taken gets one of these
_ANSI_SPARE = ("magenta", "cyan", "blue", "bright_black", "bright_magenta", "bright_cyan")

# The styles in use: filled by `apply_theme` (at import, from textual-dark).
STATUS_STYLE: Final[dict[str, str]] = {}
RUN_STATE_STYLE: Final[dict[str, str]] = {}
MESSAGE_GLYPH: Final[dict[str, tuple[str, str]]] = {}
#: other parts of a label: a task's role, a handler, a comparison's marks
PART_STYLE: Final[dict[str, str]] = {}
#: a timeline bar's colour: the status's, without bold; a play's bar in the muted colour
BAR_STYLE: Final[dict[str, Style]] = {}

MESSAGE_NAME: Final[dict[str, str]] = {
    "playbook_on_include": "include",
    "playbook_on_notify": "notify",
    "playbook_on_no_hosts_matched": "no hosts matched",
    "playbook_on_no_hosts_remaining": "no hosts remaining",
}


def _colour(variables: Mapping[str, str], name: str) -> Color:
    try:
        return Color.parse(variables.get(name, "") or "white")
    except Exception:  # a theme's odd value: fall back rather than fail to start
        return Color.parse("white")


def _style_colour(colour: Color) -> str:
    """A colour as Rich style text: `#rrggbb`, or an ANSI colour's name."""
    if colour.ansi is not None:
        return RichColor.from_ansi(colour.ansi).name
    return colour.hex6.lower()


def status_colours(variables: Mapping[str, str]) -> dict[str, Color]:
    """Each status's colour on a theme, readable on its background and apart from the others."""
    background = _colour(variables, "background")
    foreground = _colour(variables, "foreground")
    ansi = background.ansi is not None or foreground.ansi is not None
    chosen: dict[str, Color] = {}
    spare = list(_ANSI_SPARE)
    for status, (sources, _attrs) in STATUS_SOURCE.items():
        if ansi:
            colour = (
                Color.parse("ansi_bright_black")
                if sources[0] in _MUTED
                else _colour(variables, sources[0])
            )
            taken = {c.ansi for c in chosen.values()}
            while colour.ansi in taken and spare:
                colour = Color.parse(f"ansi_{spare.pop(0)}")
            chosen[status] = colour
            continue
        candidates = [
            _readable(
                foreground.blend(background, _MUTED[source])
                if source in _MUTED
                else _colour(variables, source),
                background,
                foreground,
            )
            for source in sources
        ]
        apart = [
            c for c in candidates if all(_distance(c, o) >= MIN_DISTANCE for o in chosen.values())
        ]
        chosen[status] = apart[0] if apart else _farthest(candidates, list(chosen.values()))
    return chosen


def _readable(colour: Color, background: Color, foreground: Color) -> Color:
    """`colour` blended toward the foreground until it stands out from the background."""
    for _ in range(10):
        if contrast(colour, background) >= MIN_CONTRAST:
            break
        colour = colour.blend(foreground, 0.2)
    return colour


def _farthest(candidates: list[Color], chosen: list[Color]) -> Color:
    return max(candidates, key=lambda c: min((_distance(c, o) for o in chosen), default=0.0))


def contrast(a: Color, b: Color) -> float:
    """WCAG's contrast ratio of two colours (1 to 21)."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _luminance(colour: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)


def _distance(a: Color, b: Color) -> float:
    return float(((a.r - b.r) ** 2 + (a.g - b.g) ** 2 + (a.b - b.b) ** 2) ** 0.5)


def apply_theme(variables: Mapping[str, str]) -> None:
    """Make every style here follow the theme whose CSS variables are `variables`."""
    colours = {status: _style_colour(c) for status, c in status_colours(variables).items()}
    styles = {
        status: f"{attrs} {colours[status]}".strip()
        for status, (_source, attrs) in STATUS_SOURCE.items()
    }
    STATUS_STYLE.clear()
    STATUS_STYLE.update(styles)
    RUN_STATE_STYLE.clear()
    RUN_STATE_STYLE.update(
        {
            "starting": colours["running"],
            "running": styles["running"],
            "successful": f"bold {colours['ok']}",
            "failed": styles["failed"],
            "canceled": f"bold {colours['changed']}",
            "timeout": f"bold {colours['changed']}",
            "error": styles["failed"],
        }
    )
    MESSAGE_GLYPH.clear()
    MESSAGE_GLYPH.update(
        {
            "warning": ("⚠", colours["changed"]),
            "deprecated": ("⚠", f"dim {colours['changed']}"),
            "error": ("✘", styles["failed"]),
            "playbook_on_include": ("↪", colours["ignored"]),
            "playbook_on_notify": ("»", colours["ignored"]),
            "playbook_on_no_hosts_matched": ("∅", colours["skipped"]),
            "playbook_on_no_hosts_remaining": ("∅", colours["changed"]),
        }
    )
    PART_STYLE.clear()
    PART_STYLE.update(
        {
            "role": colours["rescued"],
            "handler": f"bold {colours['ignored']}",
            "new_failure": styles["failed"],
            "fixed": f"bold {colours['ok']}",
            "differs": colours["changed"],
            "slower": colours["failed"],
            "faster": colours["ok"],
            "added": colours["ignored"],
            "compare": f"bold {colours['ignored']}",
            "bad_rc": styles["failed"],
        }
    )
    BAR_STYLE.clear()
    BAR_STYLE.update({status: Style(color=colour) for status, colour in colours.items()})
    BAR_STYLE["play"] = Style(color=colours["skipped"])


def theme_variables(name: str) -> dict[str, str]:
    """The CSS variables of a built-in theme, as the app computes them."""
    theme = BUILTIN_THEMES[name]
    return {**theme.to_color_system().generate(), **theme.variables}


apply_theme(theme_variables("textual-dark"))
