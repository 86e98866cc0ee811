"""Themes, the settings file, `y` and the mouse: Pilot on committed runs, settings in a tmp dir."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from rich.style import Style
from textual.color import Color
from textual.theme import BUILTIN_THEMES

from jobevents.tui import cli
from jobevents.tui.app import JobEventsApp
from jobevents.tui.settings import load_settings, settings_path
from jobevents.tui.theme import (
    MIN_CONTRAST,
    STATUS_SOURCE,
    STATUS_STYLE,
    apply_theme,
    contrast,
    status_colours,
    theme_variables,
)

from ..fixtures.paths import committed_run
from .helpers import frames_pass, press, running, settle, wait_for


@pytest.mark.parametrize("name", sorted(BUILTIN_THEMES))
def test_every_builtin_theme_keeps_each_status_distinct_and_readable(name: str) -> None:
    variables = theme_variables(name)
    colours = status_colours(variables)
    background = variables["background"]
    for status, colour in colours.items():
        if colour.ansi is None:
            assert contrast(colour, Color.parse(background)) >= MIN_CONTRAST - 0.05, status
        else:  # ANSI themes: the terminal's colours, never its default (the background)
            assert colour.ansi >= 0, status
    for a, b in itertools.combinations(colours, 2):
        same_look = STATUS_SOURCE[a][1] == STATUS_SOURCE[b][1]
        ca, cb = colours[a], colours[b]
        if ca.ansi is not None:
            assert (ca.ansi, STATUS_SOURCE[a][1]) != (cb.ansi, STATUS_SOURCE[b][1]), (a, b)
        elif same_look:
            distance = ((ca.r - cb.r) ** 2 + (ca.g - cb.g) ** 2 + (ca.b - cb.b) ** 2) ** 0.5
            assert distance >= 30, (a, b, ca.hex, cb.hex)
        else:
            assert ca != cb or STATUS_SOURCE[a][1] != STATUS_SOURCE[b][1]
    apply_theme(variables)
    try:
        assert len({(Style.parse(s).color, Style.parse(s).bold) for s in STATUS_STYLE.values()}) > 4
        assert len(set(STATUS_STYLE.values())) == len(STATUS_STYLE)
    finally:
        apply_theme(theme_variables("textual-dark"))


async def test_a_theme_chosen_repaints_the_statuses_and_is_remembered() -> None:
    app = JobEventsApp(committed_run("features"), watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        dark_ok = STATUS_STYLE["ok"]
        app.theme = "textual-light"  # what the palette's theme picker does
        await frames_pass(pilot)
        assert STATUS_STYLE["ok"] != dark_ok
        tree = app.run_tree
        assert tree is not None
        ok_colour = Style.parse(STATUS_STYLE["ok"]).color
        labels = [tree.get_node_at_line(n) for n in range(tree.last_line + 1)]
        spans = [s for node in labels if node is not None for s in node.label.spans]
        assert any(Style.parse(str(s.style)).color == ok_colour for s in spans)
    assert 'theme = "textual-light"' in settings_path().read_text()
    again = JobEventsApp(committed_run("features"), watch=False)
    async with running(again) as pilot:
        await settle(pilot)
        assert again.theme == "textual-light"
    apply_theme(theme_variables("textual-dark"))


async def test_theme_option_wins_over_the_settings_and_a_bad_name_says_so() -> None:
    settings_path().write_text('theme = "nord"\n')
    app = JobEventsApp(committed_run("features"), watch=False, theme="no-such-theme")
    async with running(app) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("'no-such-theme' is not a theme" in m for m in messages), messages
    apply_theme(theme_variables("textual-dark"))


async def test_keys_are_remapped_by_binding_id_from_the_settings_file() -> None:
    settings_path().write_text('[keys]\nview_log = "L"\ncopy = "ctrl+y"\n')
    app = JobEventsApp(committed_run("features"), watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "3")  # the old key no longer switches
        assert app.view_id == "tasks"
        await press(pilot, "L")
        assert app.view_id == "log"


async def test_a_bad_settings_file_names_the_key_and_file_and_the_app_runs_on_defaults() -> None:
    settings_path().write_text('follow = true\n[detail]\nwidth = "wide"\n')
    settings, error = load_settings()
    assert error is not None and "detail.width" in error and str(settings_path()) in error
    assert error.count("\n") == 0 and settings.detail_width == 40
    app = JobEventsApp(committed_run("features"), watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        assert any("detail.width" in n.message for n in app._notifications)
        assert app.view_id == "tasks" and app.run_tree is not None


def test_settings_read_every_key() -> None:
    settings_path().write_text(
        'theme = "nord"\nfollow = false\n[detail]\nside = "bottom"\nwidth = 30\n'
        '[time]\nformat = "relative"\nzone = "utc"\n[keys]\ncopy = "ctrl+y"\n'
    )
    settings, error = load_settings()
    assert error is None
    assert (settings.theme, settings.follow, settings.detail_side, settings.detail_width) == (
        "nord",
        False,
        "bottom",
        30,
    )
    assert (settings.time_format, settings.time_zone, settings.keys) == (
        "relative",
        "utc",
        {"copy": "ctrl+y"},
    )


def test_config_path_prints_where_the_settings_live(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["config", "--path"]) == 0
    assert capsys.readouterr().out.strip() == str(settings_path())


async def test_y_copies_the_selected_nodes_essentials_and_a_toast_says_so() -> None:
    app = JobEventsApp(committed_run("features"), watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "n")  # the first failed host run
        await press(pilot, "y")
        copied = app.clipboard
        assert copied.startswith("host: ") and "status: failed" in copied
        assert "task: " in copied and "path: " in copied and "msg: " in copied
        assert any(n.title == "Copied" for n in app._notifications)


async def test_a_click_selects_and_a_double_click_toggles_in_every_view() -> None:
    app = JobEventsApp(committed_run("seed_linear"), watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        tree = app.run_tree
        assert tree is not None
        top = int(tree.scroll_offset.y)
        await pilot.click(tree, offset=(14, 2))  # on the label: selects
        await pilot.pause()
        assert tree.cursor_line == top + 2 and not app.view.is_following  # type: ignore[union-attr]
        line = tree.cursor_line
        was_open = tree.get_node_at_line(line).is_expanded  # type: ignore[union-attr]
        await pilot.double_click(tree, offset=(14, 2))  # a double click toggles
        await pilot.pause(0.1)
        assert tree.get_node_at_line(line).is_expanded != was_open  # type: ignore[union-attr]
        await pilot.click(tree, offset=(6, 2))  # so does a click on the expander
        await pilot.pause(0.1)
        assert tree.get_node_at_line(line).is_expanded == was_open  # type: ignore[union-attr]

        await press(pilot, "2")
        hosts = app.view
        assert hosts is not None
        await pilot.click(hosts, offset=(6, 1))  # type: ignore[arg-type]
        await pilot.pause()
        with app.feed.lock:  # type: ignore[union-attr]
            shown = hosts.selected_shown()
        assert shown is not None

        await press(pilot, "3")
        log = app.view
        top = int(log.scroll_offset.y)  # type: ignore[union-attr]
        await pilot.click(log, offset=(10, 4))  # type: ignore[arg-type]
        await pilot.pause()
        assert log.cursor == top + 4  # type: ignore[union-attr]
        await wait_for(pilot, lambda: not log.is_following, what="follow off")  # type: ignore[union-attr]

        await press(pilot, "4")
        chart = app.view.chart  # type: ignore[union-attr]
        top = int(chart.scroll_offset.y)
        task_at = next(
            i for i, r in enumerate(chart.rows) if r.kind == "task" and i - top < chart.size.height
        )
        task = chart.rows[task_at].node
        await pilot.pause(0.6)  # not a chain with the log's click
        was_open = task.id in chart.opened
        await pilot.click(chart, offset=(10, task_at - top))
        await pilot.pause()
        assert chart.cursor == task_at and (task.id in chart.opened) == was_open
        await pilot.double_click(chart, offset=(10, task_at - top))  # a double click toggles
        await pilot.pause(0.1)
        assert (task.id in chart.opened) != was_open
        if not was_open:
            assert [r.kind for r in chart.rows[task_at + 1 : task_at + 2]] == ["lane"]
        await pilot.pause(0.6)
        await pilot.click(chart, offset=(1, task_at - top))  # so does a click on its ▸/▾
        await pilot.pause(0.1)
        assert (task.id in chart.opened) == was_open


def test_no_color_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = JobEventsApp(committed_run("features"), watch=False)
    assert app.no_color
    app.run_switching.stop()


def test_tmp_settings_dir(tmp_path: Path) -> None:
    assert not str(settings_path()).startswith(str(Path.home() / ".config"))


@pytest.mark.parametrize("side", ["right", "left", "bottom"])
async def test_the_detail_pane_goes_under_the_views_in_a_narrow_terminal_whatever_the_side(
    side: str,
) -> None:
    settings_path().write_text(f'[detail]\nside = "{side}"\nwidth = 30\n')
    app = JobEventsApp(committed_run("features"), watch=False)
    async with running(app, size=(80, 24)) as pilot:
        await settle(pilot)
        views, detail = app.switcher.region, app.detail.region
        assert detail.width == 80 and detail.y > views.y, "narrow: under the views, full width"
        assert detail.height == pytest.approx(0.3 * 23, abs=1.5)  # its share of the height

        await pilot.resize_terminal(120, 40)
        await frames_pass(pilot)
        views, detail = app.switcher.region, app.detail.region
        if side == "bottom":
            assert detail.width == 120 and detail.y > views.y
        else:
            assert detail.width == pytest.approx(0.3 * 120, abs=1.5) and detail.height > 30
            assert (detail.x > views.x) == (side == "right")

        await pilot.resize_terminal(80, 24)
        await frames_pass(pilot)
        assert app.detail.region.width == 80
