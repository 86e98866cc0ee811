"""The time axis in cells: bars exact to an eighth of a cell, zoom and pan that keep what the
user looks at in place, ticks that never crowd."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobevents.core.time_axis import (
    EIGHTHS,
    MAX_ZOOM,
    TimeWindow,
    Zoom,
    axis_line,
    bar,
    tick_label,
    tick_step,
    ticks,
)


def _covered(drawn_first: int, text: str, flipped: bool) -> tuple[int, int]:
    """The eighths a bar covers, read back from its cells: [lo, hi)."""
    lo = drawn_first * 8
    if flipped:
        lo += EIGHTHS.index(text[0])
    hi = (drawn_first + len(text) - 1) * 8 + EIGHTHS.index(text[-1])
    if len(text) == 1 and not flipped:
        hi = drawn_first * 8 + EIGHTHS.index(text[0])
    return lo, hi


def test_a_bar_over_whole_cells_is_full_blocks() -> None:
    window = TimeWindow(100.0, 10.0, 10)
    drawn = bar(102.0, 105.0, window)
    assert drawn is not None
    assert (drawn.first, drawn.text, drawn.flipped) == (2, "███", False)


def test_eighths_at_both_ends() -> None:
    window = TimeWindow(0.0, 10.0, 10)
    drawn = bar(1.25, 3.5, window)  # from 2/8 into cell 1 to 4/8 into cell 3
    assert drawn is not None
    assert drawn.first == 1 and drawn.flipped
    assert drawn.text == "▎█▌"  # the first cell reversed: its right 6/8 filled
    assert _covered(drawn.first, drawn.text, drawn.flipped) == (10, 28)


def test_a_moment_long_bar_still_shows_an_eighth() -> None:
    window = TimeWindow(0.0, 100.0, 10)
    drawn = bar(50.0, 50.0, window)
    assert drawn is not None and drawn.text == "▏" and drawn.first == 5


def test_bars_outside_the_window_are_left_out_and_bars_across_it_are_cut() -> None:
    window = TimeWindow(10.0, 10.0, 10)
    assert bar(0.0, 5.0, window) is None
    assert bar(25.0, 30.0, window) is None
    drawn = bar(0.0, 100.0, window)
    assert drawn is not None and (drawn.first, drawn.text) == (0, "█" * 10)
    assert bar(5.0, float("nan"), window) is None
    assert bar(6.0, 5.0, window) is None


@given(
    start=st.floats(0, 100, allow_nan=False),
    length=st.floats(0, 100, allow_nan=False),
    width=st.integers(1, 200),
)
def test_every_bar_is_within_an_eighth_of_its_times(
    start: float, length: float, width: int
) -> None:
    window = TimeWindow(0.0, 100.0, width)
    end = start + length
    drawn = bar(start, end, window)
    assert drawn is not None  # everything in the window shows
    assert drawn.first >= 0 and drawn.first + len(drawn.text) <= width
    assert set(drawn.text) <= set(EIGHTHS[1:])
    assert all(c == "█" for c in drawn.text[1:-1])
    lo, hi = _covered(drawn.first, drawn.text, drawn.flipped)
    left, right = window.x(start) * 8, min(window.x(end), width) * 8
    assert hi > lo
    if len(drawn.text) > 1:
        assert left - 1 < lo <= left + 1e-6
        assert right - 1e-6 <= hi < right + 1
    else:  # both ends in one cell: the fill starts at the cell's left, as long as the bar
        assert drawn.first * 8 <= left + 1e-6
        assert hi - lo <= max(1, right - left + 2)


def test_zoom_keeps_the_focus_in_place_and_out_returns_to_the_whole_run() -> None:
    span = (1000.0, 1100.0)
    zoom = Zoom()
    whole = zoom.window(*span, 50)
    assert (whole.start, whole.length) == (1000.0, 100.0)
    focus = 1030.0
    inside = zoom.at_level(4, whole, span[0], focus)
    window = inside.window(*span, 50)
    assert window.length == pytest.approx(25.0)
    assert window.x(focus) == pytest.approx(whole.x(focus))  # the same cell as before
    back = inside.at_level(1, window, span[0], focus)
    assert back.window(*span, 50) == whole
    assert zoom.at_level(MAX_ZOOM * 4, whole, span[0], focus).level == MAX_ZOOM


def test_pan_moves_by_cells_and_stays_within_the_run() -> None:
    span = (0.0, 100.0)
    zoom = Zoom(level=4)
    window = zoom.window(*span, 40)
    assert (window.start, window.length) == (0.0, 25.0)
    later = zoom.panned(10, window, 0.0).window(*span, 40)
    assert later.start == pytest.approx(6.25)
    far = zoom.panned(10_000, window, 0.0).window(*span, 40)
    assert far.end == pytest.approx(100.0)
    assert zoom.panned(-10, window, 0.0).window(*span, 40).start == 0.0


def test_pinned_zoom_follows_the_end_of_a_growing_run() -> None:
    zoom = Zoom(level=2, pinned=True)
    assert zoom.window(0.0, 100.0, 10).end == pytest.approx(100.0)
    assert zoom.window(0.0, 300.0, 10).end == pytest.approx(300.0)
    assert zoom.panned(-1, zoom.window(0.0, 300.0, 10), 0.0).pinned is False


@given(
    length=st.floats(0.001, 200_000, allow_nan=False),
    width=st.integers(10, 300),
    offset=st.floats(0, 1000, allow_nan=False),
)
def test_ticks_are_round_apart_and_never_crowd(length: float, width: int, offset: float) -> None:
    window = TimeWindow(offset, length, width)
    marks = ticks(window, origin=0.0)
    step = tick_step(window)
    assert step / (length / width) >= 8
    xs = [x for x, _ in marks]
    assert xs == sorted(xs) and all(0 <= x < width for x in xs)
    assert all(b - a >= 7 for a, b in itertools.pairwise(xs))
    line = axis_line(window, 0.0)
    assert len(line) == width


@pytest.mark.parametrize(
    ("seconds", "step", "label"),
    [
        (0, 5, "0s"),
        (1.5, 0.5, "1.5s"),
        (0.25, 0.05, "0.25s"),
        (90, 30, "1m30"),
        (120, 60, "2m"),
        (3900, 300, "1h05"),
        (7200, 3600, "2h"),
    ],
)
def test_tick_labels_are_short(seconds: float, step: float, label: str) -> None:
    assert tick_label(seconds, step) == label
