"""The bar chart of ``/budget``: a pure function of figures that returns a readable PNG."""

from __future__ import annotations

import io
import struct

from bot.budget.chart import MAX_BARS, ChartBar, ChartTexts, render_chart
from bot.money import format_cents

TEXTS = ChartTexts(
    title="Budget 2026",
    settled="abgerechnet",
    committed="bewilligt",
    available="frei",
    empty="Keine Töpfe",
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk."""
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _render(bars: list[ChartBar]) -> bytes:
    return render_chart(bars, texts=TEXTS, format_amount=format_cents)


def test_chart_is_a_png_of_phone_width() -> None:
    """Two pots give a PNG a phone shows without zooming (wider than tall, < 1000 px)."""
    png = _render(
        [
            ChartBar("Beratung", 936_000, 120_000, 300_000),
            ChartBar("Netzwerk", 1_248_000, 0, 0),
        ]
    )
    assert png.startswith(PNG_SIGNATURE)
    width, height = _size(png)
    assert 500 <= width <= 1000
    assert height < width


def test_more_pots_make_a_taller_chart() -> None:
    """Each pot gets its own row, so the picture grows with the number of pots."""
    few = _render([ChartBar("A", 100_00, 0, 0)])
    many = _render([ChartBar(f"Topf {index}", 100_00, 0, 0) for index in range(8)])
    assert _size(many)[1] > _size(few)[1]


def test_too_many_pots_are_cut_at_the_limit() -> None:
    """Beyond MAX_BARS the chart stops growing instead of becoming unreadable."""
    at_limit = _render([ChartBar(f"T{index}", 100, 0, 0) for index in range(MAX_BARS)])
    beyond = _render([ChartBar(f"T{index}", 100, 0, 0) for index in range(MAX_BARS + 10)])
    assert _size(beyond) == _size(at_limit)


def test_no_pots_still_give_a_picture() -> None:
    """A year without pots renders the 'empty' text rather than failing."""
    png = _render([])
    assert png.startswith(PNG_SIGNATURE)


def test_overused_and_empty_pots_render() -> None:
    """A pot used beyond its allocation and a pot of zero are drawn, not rejected."""
    png = _render([ChartBar("über", 100_00, 0, 150_00), ChartBar("null", 0, 0, 0)])
    assert png.startswith(PNG_SIGNATURE)


def test_labels_with_markup_characters_are_drawn_literally() -> None:
    """Pot names with $, _ or < are text, not mathtext or markup (no exception)."""
    png = _render([ChartBar("Nord A_1 <b> $\\frac{$", 100_00, 10_00, 0)])
    assert png.startswith(PNG_SIGNATURE)


def test_same_figures_give_the_same_picture() -> None:
    """Rendering is a pure function: no state leaks from one chart into the next."""
    bars = [ChartBar("Beratung", 936_000, 120_000, 300_000)]
    first = _render(bars)
    _render([ChartBar(f"X{index}", 5, 1, 1) for index in range(5)])
    assert io.BytesIO(_render(bars)).getvalue() == first


def test_available_is_allocated_minus_committed_minus_settled() -> None:
    """The 'frei' part is what neither approval nor payment has taken."""
    assert ChartBar("x", 1000, 200, 300).available == 500
    assert ChartBar("x", 1000, 0, 1200).available == -200
