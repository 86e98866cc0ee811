"""The detail pane's secondary text is drawn in the theme's muted text colour, not `dim`.

`dim` on a dark background came out a grey too dark to read; `$text-muted` is made for
text on the theme's background, light on dark and dark on light.
"""

from __future__ import annotations

from textual.color import Color
from textual.geometry import Region

from jobevents.tui.app import JobEventsApp

from ..fixtures.paths import committed_run
from .helpers import press, running, settle


def _segments(app: JobEventsApp) -> list[tuple[str, object]]:
    body = app.detail._body
    strips = body.render_lines(Region(0, 0, body.size.width, body.size.height))
    return [(seg.text, seg.style) for strip in strips for seg in strip]


async def test_field_names_are_in_the_muted_text_colour_on_dark_and_light() -> None:
    app = JobEventsApp(committed_run("features"), watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "j", "j", "j")  # a task: its fields (task, play, action…)
        for theme in ("textual-dark", "textual-light"):
            app.theme = theme
            await pilot.pause(0.2)
            muted = app.detail.get_component_rich_style("detail--key")
            background = Color.from_rich_color(muted.bgcolor)
            fields = [style for text, style in _segments(app) if text.strip() == "play"]
            assert fields, _segments(app)
            for style in fields:
                assert not style.dim  # type: ignore[attr-defined]
                assert style.color == muted.color  # type: ignore[attr-defined]
                colour = Color.from_rich_color(style.color)  # type: ignore[attr-defined]
                # readable: well apart from the background (dim grey on black was ~0.2)
                assert abs(colour.brightness - background.brightness) > 0.35, theme
