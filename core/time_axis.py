"""A time axis drawn in terminal cells: the window of time shown, zoom and pan, tick marks,
and bars with eighth-of-a-cell precision.

A cell is split in eighths by the block characters `▏▎▍▌▋▊▉█`, which fill a cell from
the left. A bar's right end uses them as they are; its left end, where the bar fills a
cell from the right, uses the complementary block drawn in reverse (the cell's background
in the bar's colour, the glyph in the background's): `Bar.flipped` says the first cell is
drawn so. Nothing here knows of colours or of Textual.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

#: index n: a cell filled n eighths from the left
EIGHTHS: Final = " ▏▎▍▌▋▊▉█"
#: zoom is a power of two, at most this
MAX_ZOOM: Final = 1 << 16
#: the shortest window a zoom may show (seconds): a tenth of a millisecond per cell
MIN_WINDOW: Final = 0.001
#: tick steps in seconds: the first that leaves room for its labels is taken
_STEPS: Final = (
    0.01,
    0.02,
    0.05,
    0.1,
    0.2,
    0.5,
    1,
    2,
    5,
    10,
    15,
    30,
    60,
    120,
    300,
    600,
    900,
    1800,
    3600,
    7200,
    4 * 3600,
    6 * 3600,
    12 * 3600,
    86400,
)


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """The stretch of time shown across `width` cells: from `start`, `length` seconds."""

    start: float
    length: float
    width: int

    @property
    def end(self) -> float:
        return self.start + self.length

    def x(self, moment: float) -> float:
        """The cell position (fractional) of a moment; may fall outside 0..width."""
        return (moment - self.start) / self.length * self.width

    def moment(self, x: float) -> float:
        """The moment at cell position `x`."""
        return self.start + x / self.width * self.length


@dataclass(frozen=True, slots=True)
class Bar:
    """A bar in cells: `text` drawn from cell `first`; `flipped`: draw the first cell reversed."""

    first: int
    text: str
    flipped: bool


def bar(start: float, end: float, window: TimeWindow) -> Bar | None:
    """The bar from `start` to `end` in `window`, cut to it; None when it lies outside.

    A bar shorter than an eighth of a cell is drawn an eighth long: everything that ran
    shows. Two ends within one cell cannot both be exact: the fill starts at the cell's
    left, as long as the bar.
    """
    width = window.width
    if width <= 0 or not (end >= start) or window.length <= 0:  # also False for NaN
        return None
    left, right = window.x(start), window.x(end)
    if right < 0 or left > width or (right == 0 and left < 0):
        return None
    lo = max(0, min(width * 8, math.floor(left * 8)))
    hi = max(0, min(width * 8, math.ceil(right * 8)))
    if hi <= lo:
        if lo >= width * 8:
            lo = width * 8 - 1
        hi = lo + 1
    first, last = lo // 8, (hi - 1) // 8
    if first == last:
        return Bar(first, EIGHTHS[max(1, hi - lo)], False)
    cells: list[str] = []
    flipped = lo % 8 != 0
    # a cell filled from the right by 8 - k eighths: the k-eighths block, reversed
    cells.append(EIGHTHS[lo % 8] if flipped else EIGHTHS[8])
    cells.append(EIGHTHS[8] * (last - first - 1))
    cells.append(EIGHTHS[hi - last * 8])
    return Bar(first, "".join(cells), flipped)


@dataclass(frozen=True, slots=True)
class Zoom:
    """How much of a run's span is shown: `level` times magnified, from `offset` seconds
    after the run's start (the left edge), or pinned to the span's end while `pinned`."""

    level: int = 1
    offset: float = 0.0
    pinned: bool = False

    def window(self, span_start: float, span_end: float, width: int) -> TimeWindow:
        """The window this zoom shows of a span, in `width` cells (at least one)."""
        full = max(span_end - span_start, MIN_WINDOW)
        length = max(full / self.level, MIN_WINDOW)
        room = max(0.0, full - length)
        offset = room if self.pinned else min(max(self.offset, 0.0), room)
        return TimeWindow(span_start + offset, length, max(1, width))

    def at_level(self, level: int, window: TimeWindow, span_start: float, focus: float) -> Zoom:
        """Magnified `level` times (kept within 1..MAX_ZOOM), moment `focus` staying put."""
        level = min(max(1, level), MAX_ZOOM)
        if level == 1:
            return Zoom(1, 0.0, self.pinned)
        length = window.length * self.level / level
        share = (focus - window.start) / window.length
        offset = focus - share * length - span_start
        return Zoom(level, max(0.0, offset), self.pinned)

    def panned(self, cells: float, window: TimeWindow, span_start: float) -> Zoom:
        """Moved by `cells` cells (negative: back in time); pinning ends."""
        offset = window.start - span_start + cells * window.length / window.width
        return Zoom(self.level, max(0.0, offset), False)


def tick_step(window: TimeWindow, label_cells: int = 8) -> float:
    """A round number of seconds between ticks, leaving `label_cells` cells per label."""
    per_cell = window.length / window.width
    for step in _STEPS:
        if step / per_cell >= label_cells:
            return float(step)
    return float(_STEPS[-1] * math.ceil(per_cell * label_cells / _STEPS[-1]))


def ticks(window: TimeWindow, origin: float, label_cells: int = 8) -> list[tuple[int, str]]:
    """Where the ticks fall (cell) and their labels: times since `origin` (the run's start)."""
    step = tick_step(window, label_cells)
    first = math.ceil((window.start - origin) / step - 1e-9)
    out: list[tuple[int, str]] = []
    k = first
    while True:
        since = k * step
        x = window.x(origin + since)
        if x >= window.width:
            break
        if x >= 0:
            out.append((int(x), tick_label(since, step)))
        k += 1
    return out


def tick_label(seconds: float, step: float) -> str:
    """`0s`, `1.5s`, `2m`, `2m30`, `1h`, `1h05`: as short as the step allows."""
    if seconds < 0:
        return "-" + tick_label(-seconds, step)
    if step < 1:
        digits = 2 if step < 0.1 else 1
        return f"{seconds:.{digits}f}s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}" if secs else f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}" if minutes else f"{hours}h"


def axis_line(window: TimeWindow, origin: float, label_cells: int = 8) -> str:
    """The axis as one line of `window.width` cells: `▏0s     ▏5s     ▏10s`."""
    cells = [" "] * window.width
    for x, label in ticks(window, origin, label_cells):
        mark = EIGHTHS[1] + label
        if x + len(mark) > window.width:
            break  # a tick without its time says nothing
        cells[x : x + len(mark)] = mark
    return "".join(cells)
