"""The bar chart of ``/budget``: one horizontal bar per pot, as PNG bytes.

A pure function of figures and texts: no database, no Telegram, no locale of its own (the
caller passes the labels in the reader's language and a formatter for amounts). Rendered
off-screen with matplotlib's Agg canvas on a private :class:`~matplotlib.figure.Figure`,
never through ``pyplot``, so no global state is touched and two charts may be drawn in
parallel threads (the handler draws in a worker thread to keep the event loop free).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

#: Colours that stay apart for the common colour-vision deficiencies (Okabe–Ito).
SETTLED_COLOUR: Final = "#0072B2"
COMMITTED_COLOUR: Final = "#E69F00"
AVAILABLE_COLOUR: Final = "#D9D9D9"
OVER_COLOUR: Final = "#D55E00"
#: At most this many bars: a phone screen shows no more legibly, and a region has fewer pots.
MAX_BARS: Final = 40
DPI: Final = 110


@dataclass(frozen=True)
class ChartBar:
    """One pot as the chart shows it (amounts in cents)."""

    label: str
    allocated: int
    committed: int
    settled: int

    @property
    def available(self) -> int:
        """What is left; never drawn below zero (an over-used pot gets a red marker instead)."""
        return self.allocated - self.committed - self.settled


@dataclass(frozen=True)
class ChartTexts:
    """The chart's words in the reader's language."""

    title: str
    settled: str
    committed: str
    available: str
    empty: str


def render_chart(
    bars: Sequence[ChartBar],
    *,
    texts: ChartTexts,
    format_amount: Callable[[int], str],
) -> bytes:
    """Draw the pots as stacked horizontal bars (paid, committed, left) and return a PNG.

    Args:
        bars: the pots, top to bottom; more than :data:`MAX_BARS` are cut off.
        texts: title and legend in the reader's language.
        format_amount: cents → display text (``bot.money.format_cents`` in the bot).
    """
    shown = list(bars)[:MAX_BARS]
    height = 1.4 + 0.55 * max(1, len(shown))
    figure = Figure(figsize=(7.0, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_title(_literal(texts.title), fontsize=11, loc="left")
    if not shown:
        axes.text(
            0.5, 0.5, _literal(texts.empty), ha="center", va="center", transform=axes.transAxes
        )
        axes.set_axis_off()
        return _png(figure)
    positions = list(range(len(shown)))
    settled = [max(0, bar.settled) for bar in shown]
    committed = [max(0, bar.committed) for bar in shown]
    available = [max(0, bar.available) for bar in shown]
    after_settled = [s + c for s, c in zip(settled, committed, strict=True)]
    axes.barh(positions, settled, color=SETTLED_COLOUR, label=_literal(texts.settled))
    axes.barh(
        positions, committed, left=settled, color=COMMITTED_COLOUR, label=_literal(texts.committed)
    )
    axes.barh(
        positions, available, left=after_settled, color=AVAILABLE_COLOUR, label=texts.available
    )
    widest = max(
        [1, *(max(bar.allocated, s) for bar, s in zip(shown, after_settled, strict=True))]
    )
    for position, bar, used in zip(positions, shown, after_settled, strict=True):
        if bar.available < 0:
            axes.plot(
                [bar.allocated, bar.allocated],
                [position - 0.4, position + 0.4],
                color=OVER_COLOUR,
                linewidth=2,
            )
        axes.text(
            max(bar.allocated, used) + widest * 0.01,
            position,
            format_amount(bar.available),
            va="center",
            fontsize=8,
            color=OVER_COLOUR if bar.available < 0 else "#333333",
        )
    axes.set_yticks(positions, [_literal(bar.label) for bar in shown], fontsize=9)
    axes.invert_yaxis()  # the first pot on top, as in the table
    axes.set_xlim(0, widest * 1.3)
    axes.xaxis.set_major_locator(MaxNLocator(nbins=4))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: format_amount(int(value))))
    axes.tick_params(axis="x", labelsize=8)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.legend(loc="outside lower center", ncols=3, fontsize=8, frameon=False)
    return _png(figure)


def _literal(text: str) -> str:
    """A label drawn as typed: a pair of ``$`` would otherwise switch to mathtext."""
    return text.replace("$", r"\$")


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
