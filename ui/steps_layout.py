"""Where everything in the step-by-step panel goes: rows, and the draw operations of each.

A :class:`Layout` places the content of :mod:`ui.steps_text` for one width. It is cheap
because it only measures: numbers and vectors are set in a monospace font, so their
widths are character counts; words (tokens, headers, links) are measured once and
cached. Every column is a whole number of characters wide, so the plain numbers of a
table row line up on one character grid and are drawn as one string (each ``drawText``
call costs about as much as twenty characters). The draw operations of a row are made
only when the row is painted (:meth:`Layout.ops`), so an edit pays for the rows on
screen, not for all of them.

Operations are tuples: ``("text", font, colour, x, baseline, text, cells)`` (``cells``:
the (x, text) pieces of a merged row, or None), ``("word", font, colour, x, baseline,
text, link target or None)`` (a word that changes rarely: drawn from a cache),
``("static", QStaticText, font, x, top)`` (a wrapped paragraph), ``("fill", QRectF)``
(the header band) and ``("rule", x1, y, x2)`` (the line above a sum).
"""

from __future__ import annotations

import bisect
import math

from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontMetricsF

from ui.steps_text import FORMULA, LINK, MASKED, NUM, SUM, VEC, Heading, Links, Paragraph, vector_text

# Font keys.
BASE, BOLD, HEADING, MONO, MONO_BOLD, LINK_FONT = range(6)
# Colour keys, resolved against the palette when painting.
INK, GREY, HEADER_INK, ACCENT = range(4)
_MONO = (NUM, VEC)


class Metrics:
    """Sizes from the panel's fonts (indexed by the font keys), and a cache of word widths."""

    def __init__(self, fonts):
        self.fonts = fonts
        self.metrics = [QFontMetricsF(f) for f in fonts]
        m = self.metrics
        self.char = max(m[MONO].horizontalAdvance("0"), m[MONO_BOLD].horizontalAdvance("0"))
        self.em = m[BASE].height()
        self.margin = round(self.em * 0.5)
        self.pad = round(self.em * 0.45)
        self.vpad = max(1.0, round(self.em * 0.12))
        body = (BASE, BOLD, MONO, MONO_BOLD, LINK_FONT)
        self.line = max(m[f].lineSpacing() for f in body)
        self.ascent = max(m[f].ascent() for f in body)
        self._widths: dict[tuple[int, str], float] = {}
        self._columns: dict[tuple, int] = {}  # (font, texts) -> widest, in characters
        # The signs the numbers use beyond ASCII, if this monospace font has them one
        # character wide (a fallback font may not): texts with them stay on the grid.
        signs = "\u00f7\u00d7\u221e\u221a\u00b7"
        on_grid = [s for s in signs if abs(m[MONO].horizontalAdvance(s) - self.char) < 0.01]
        self._grid = str.maketrans(dict.fromkeys(on_grid, "0"))

    def on_grid(self, text: str) -> bool:
        """Whether ``text`` in the monospace font is exactly one character per character."""
        return text.isascii() or text.translate(self._grid).isascii()

    def advance(self, font: int, text: str) -> float:
        if font in (MONO, MONO_BOLD) and self.on_grid(text):
            return len(text) * self.char
        key = (font, text)
        width = self._widths.get(key)
        if width is None:
            if len(self._widths) > 4096:  # typed tokens come and go; keep the cache small
                self._widths.clear()
            width = self._widths[key] = self.metrics[font].horizontalAdvance(text)
        return width

    def widest(self, font: int, texts: list[str]) -> int:
        """Width of the widest of ``texts`` in whole monospace characters (0 for none)."""
        if font in (MONO, MONO_BOLD) and self.on_grid("".join(texts)):
            return max(map(len, texts), default=0)  # numbers: no need to measure
        key = (font, tuple(texts))  # a column of tokens: the same after most edits
        width = self._columns.get(key)
        if width is None:
            if len(self._columns) > 256:
                self._columns.clear()
            width = self._columns[key] = max((self.chars(font, t) for t in set(texts)), default=0)
        return width

    def chars(self, font: int, text: str) -> int:
        """Width of ``text`` in whole monospace characters."""
        if font in (MONO, MONO_BOLD) and self.on_grid(text):
            return len(text)
        return math.ceil(self.advance(font, text) / self.char - 1e-6)


class _Table:
    """A table's geometry: column starts (in characters from the left margin) and wrapping."""

    def __init__(self, m: Metrics, table, avail: float):
        self.table = table
        columns = table.columns
        self.fonts = [_cell_font(c.kind, c.bold) for c in columns]
        pad = math.ceil(2 * m.pad / m.char - 1e-6)  # a word column's padding, in characters
        widths = []
        minimum = []
        data = [cells for style, cells in table.rows if style != FORMULA]
        spans = [cells for cells in data if len(cells) < len(columns)]
        full = [cells for cells in data if len(cells) == len(columns)]
        for c, col in enumerate(columns):
            header = m.chars(BOLD, col.header) if col.header else 0
            cells = [row[c] for row in full] + [_cell(columns, row, c) for row in spans]
            cells = [cell for cell in cells if cell is not None]
            if col.kind == VEC:
                sizes = [_vec_size(cell) for cell in cells if cell]
                natural = max([size[0] for size in sizes], default=2)
                widest = max([size[1] for size in sizes], default=1) + 1
                widths.append(max(natural, header) + 2)
                minimum.append(max(widest, header) + 2)
            elif col.kind == NUM:
                widths.append(max(m.widest(MONO, cells), header) + 2)
                minimum.append(widths[-1])
            else:
                texts = [cell[0] for cell in cells] if col.kind == LINK else cells
                widths.append(max(m.widest(self.fonts[c], texts), header) + pad)
                minimum.append(widths[-1])
        for cells in spans:  # widen the last spanned column if the label needs it
            spanned = _spanned(columns, cells)
            short = m.chars(BOLD, cells[0]) + pad - sum(widths[:spanned])
            if short > 0:
                widths[spanned - 1] += short
                minimum[spanned - 1] += short
        vec = [c for c, col in enumerate(columns) if col.kind == VEC]
        room = int(avail // m.char)
        if sum(widths) > room and vec:  # vectors break between entries to fit the width
            rest = room - sum(w for c, w in enumerate(widths) if c not in vec)
            total = sum(widths[c] for c in vec)
            for c in vec:
                widths[c] = max(minimum[c], rest * widths[c] // total)
        self.starts = [0]
        for w in widths:
            self.starts.append(self.starts[-1] + w)
        self.wrapped: dict[tuple[int, int], list[str]] = {}
        self.lines: dict[int, int] = {}  # rows of more than one line
        for r, (style, cells) in enumerate(table.rows):
            if style == FORMULA:
                continue
            for c in vec:
                per_line = widths[c] - 2
                cell = _cell(columns, cells, c)
                if cell and _vec_size(cell)[0] > per_line:
                    lines = self.wrapped[(r, c)] = _wrap(cell, per_line)
                    self.lines[r] = max(self.lines.get(r, 1), len(lines))


class Layout:
    """The rows of the content laid out for ``width`` pixels; ``statics`` makes paragraphs."""

    def __init__(self, m: Metrics, blocks: list, width: int, statics):
        self.m = m
        avail = max(1.0, width - 2 * m.margin)
        self.rows: list[tuple[float, float, str, object]] = []  # (top, bottom, kind, payload)
        needed, y = avail, float(m.margin)
        self.avail = avail
        for block in blocks:
            if isinstance(block, Heading):
                y += m.em * 0.6 if self.rows else 0.0  # space between steps, not above the first
                y = self._static(statics(block.text, HEADING, avail, False), HEADING, y) + m.em * 0.2
            elif isinstance(block, Paragraph):
                y = self._static(statics(block.rich, BASE, avail, True), BASE, y) + m.em * 0.2
            elif isinstance(block, Links):
                y = self._add(y, m.line + 2 * m.vpad, "links", block)
            else:
                y, right = self._table(_Table(m, block, avail), y + m.em * 0.2)
                needed = max(needed, right - m.margin)
        self.tops = [row[0] for row in self.rows]
        self.width = round(needed + 2 * m.margin)
        self.height = round(y + m.margin)

    def _add(self, top: float, height: float, kind: str, payload) -> float:
        self.rows.append((top, top + height, kind, payload))
        return top + height

    def _static(self, static, font: int, y: float) -> float:
        return self._add(y, static.size().height(), "static", (static, font))

    def _table(self, t: _Table, y: float) -> tuple[float, float]:
        m = self.m
        one = m.line + 2 * m.vpad
        y = self._add(y, one, "header", t)
        right = m.margin + t.starts[-1] * m.char
        formula_right = max(right, m.margin + self.avail)
        for r, (style, cells) in enumerate(t.table.rows):
            if style == FORMULA:
                left = m.margin + (t.starts[1] + 1) * m.char
                lines = _wrap_pieces(m, cells, int((formula_right - left) // m.char))
                # A piece wider than the panel (a very long token) cannot break.
                widest = max(m.chars(MONO, line) for line in lines)
                right = max(right, left + (widest + 1) * m.char)
                y = self._add(y, len(lines) * m.line + 2 * m.vpad, "formula", (left, lines))
            else:
                y = self._add(y, t.lines.get(r, 1) * m.line + 2 * m.vpad, "row", (t, r))
        return y, right

    # --- draw operations -------------------------------------------------------------------

    def visible(self, top: float, bottom: float):
        """Indexes of the rows that reach into [top, bottom]."""
        first = max(0, bisect.bisect_right(self.tops, top) - 1)
        last = bisect.bisect_right(self.tops, bottom)
        return range(first, last)

    def ops(self, i: int) -> list:
        top, bottom, kind, payload = self.rows[i]
        m = self.m
        base = top + m.vpad + m.ascent
        if kind == "static":
            static, font = payload
            return [("static", static, font, m.margin, top)]
        if kind == "links":
            return self._links_ops(payload, base)
        if kind == "formula":
            left, lines = payload
            return [("text", MONO, INK, left, base + k * m.line, text, None) for k, text in enumerate(lines)]
        if kind == "header":
            return self._header_ops(payload, top, bottom, base)
        return self._row_ops(*payload, top, base)

    def _links_ops(self, block: Links, base: float) -> list:
        m, ops, x = self.m, [], float(self.m.margin)
        separator = " \u00b7 "
        for k, (label, target) in enumerate(block.links):
            if k:
                ops.append(("word", BASE, INK, x, base, separator, None))
                x += m.advance(BASE, separator)
            ops.append(("word", LINK_FONT, ACCENT, x, base, label, target))
            x += m.advance(LINK_FONT, label)
        return ops

    def _header_ops(self, t: _Table, top: float, bottom: float, base: float) -> list:
        m = self.m
        left, char = m.margin, m.char
        ops: list = [("fill", QRectF(left, top, t.starts[-1] * char, bottom - top))]
        for c, col in enumerate(t.table.columns):
            if not col.header:
                continue
            if col.kind == NUM:  # right-aligned over its numbers
                x = left + (t.starts[c + 1] - 1) * char - m.advance(BOLD, col.header)
            else:
                x = left + t.starts[c] * char + (char if col.kind == VEC else m.pad)
            ops.append(("word", BOLD, HEADER_INK, x, base, col.header, None))
        return ops

    def _row_ops(self, t: _Table, r: int, top: float, base: float) -> list:
        m = self.m
        left, char, starts = m.margin, m.char, t.starts
        style, cells = t.table.rows[r]
        columns = t.table.columns
        ink = GREY if style == MASKED else INK
        ops: list = []
        first = 0
        if len(cells) < len(columns):  # a sum's label spans the columns before its other cells
            first = _spanned(columns, cells)
            ops.append(("word", BOLD, ink, left + m.pad, base, cells[0], None))
            cells = cells[1:]
        merged: dict[int, list[tuple[int, str]]] = {}  # line -> (character position, text)
        for c in range(first, len(columns)):
            cell = cells[c - first]
            col = columns[c]
            if col.kind in _MONO:
                font = MONO_BOLD if col.bold or style == SUM else MONO
                if col.kind == VEC:
                    lines = t.wrapped.get((r, c)) or [vector_text(cell)]
                    position = starts[c] + 1
                elif cell:
                    lines = [cell]
                    position = starts[c + 1] - 1 - m.chars(font, cell)  # right-aligned
                else:
                    continue
                if font == MONO and all(map(m.on_grid, lines)):
                    for k, text in enumerate(lines):
                        merged.setdefault(k, []).append((position, text))
                    continue
                x = left + position * char
                if col.kind == NUM:
                    x = left + (starts[c + 1] - 1) * char - m.advance(font, cell)
                ops += [("text", font, ink, x, base + k * m.line, text, None) for k, text in enumerate(lines)]
            elif col.kind == LINK:
                label, target = cell
                ops.append(("word", LINK_FONT, ACCENT, left + starts[c] * char + m.pad, base, label, target))
            elif cell:
                ops.append(("word", t.fonts[c], ink, left + starts[c] * char + m.pad, base, cell, None))
        for k, runs in merged.items():  # the plain numbers of a line: one string on the grid
            parts, at = [], runs[0][0]
            for position, text in runs:
                parts.append(" " * (position - at) + text)
                at = position + len(text)
            pieces = [(left + position * char, text) for position, text in runs]
            ops.append(("text", MONO, ink, pieces[0][0], base + k * m.line, "".join(parts), pieces))
        if style == SUM:
            ops.append(("rule", left, top, left + starts[-1] * char))
        return ops

    # --- reading the layout back -----------------------------------------------------------

    def boxes(self, i: int) -> list[tuple[QRectF, str, str | None]]:
        """(box, text, link target) of every word and number drawn in row ``i``."""
        out = []
        for op in self.ops(i):
            if op[0] == "text" and op[6]:
                out += [(self._box(op[1], x, op[4], text), text, None) for x, text in op[6]]
            elif op[0] in ("text", "word"):
                out.append((self._box(op[1], op[3], op[4], op[5]), op[5], op[6] if op[0] == "word" else None))
        return out

    def _box(self, font: int, x: float, baseline: float, text: str) -> QRectF:
        metrics = self.m.metrics[font]
        return QRectF(x, baseline - metrics.ascent(), self.m.advance(font, text), metrics.height())


def _cell_font(kind: str, bold: bool) -> int:
    if kind in _MONO:
        return MONO_BOLD if bold else MONO
    if kind == LINK:
        return LINK_FONT
    return BOLD if bold else BASE


def _cell(columns, cells, c: int):
    """Column ``c``'s cell of a row, or None under a spanning label."""
    if len(cells) == len(columns):
        return cells[c]
    spanned = _spanned(columns, cells)
    return cells[c - spanned + 1] if c >= spanned else None


def _spanned(columns, cells) -> int:
    """How many columns the label of a short row spans: all but those of its other cells."""
    return len(columns) - (len(cells) - 1)


_vec_sizes: dict[tuple, tuple[int, int]] = {}


def _vec_size(entries: tuple[str, ...]) -> tuple[int, int]:
    """A vector's width on one line as "[a, b, c]" (characters) and its widest entry plus one.

    Remembered: the same vectors (keys, values) come back after most edits, and summing
    their entries' lengths was most of a table's layout.
    """
    size = _vec_sizes.get(entries)
    if size is None:
        if len(_vec_sizes) > 4096:
            _vec_sizes.clear()
        size = _vec_sizes[entries] = (
            sum(map(len, entries)) + 2 * len(entries),
            max((len(e) for e in entries), default=0) + 1,
        )
    return size


_wrapped: dict[tuple, list[str]] = {}


def _wrap(entries: tuple[str, ...], per_line: int) -> list[str]:
    """``[a, b, c]`` in lines of at most ``per_line`` characters, broken after commas.

    Remembered: the keys' and values' vectors come back unchanged after most edits.
    """
    key = (entries, per_line)
    lines = _wrapped.get(key)
    if lines is None:
        if len(_wrapped) > 4096:
            _wrapped.clear()
        lines = _wrap_now(entries, per_line)
        # As many lines, but as even as they can be: [a, b, / c, d] rather than [a, b, c, / d].
        width = math.ceil((sum(map(len, entries)) + 2 * len(entries)) / len(lines))
        while len(lines) > 1 and width < per_line:
            even = _wrap_now(entries, width)
            if len(even) == len(lines):
                lines = even
                break
            width += 1
        _wrapped[key] = lines
    return lines


def _wrap_now(entries: tuple[str, ...], per_line: int) -> list[str]:
    if not entries:
        return ["[]"]
    lines, current = [], "["
    last = len(entries) - 1
    for k, entry in enumerate(entries):
        piece = entry + ("]" if k == last else ",")
        if len(current) > 1 and len(current) + 1 + len(piece) > per_line:
            lines.append(current)
            current = piece
        else:
            current = current + piece if current == "[" else current + " " + piece
    lines.append(current)
    return lines


def _wrap_pieces(m: Metrics, pieces, per_line: int) -> list[str]:
    """Pieces joined by spaces, in lines of at most ``per_line`` characters, broken between pieces."""
    lines, current, used = [], [], 0
    for piece in pieces:
        width = m.chars(MONO, piece)
        if current and used + 1 + width > per_line:
            lines.append(" ".join(current))
            current, used = [], 0
        used += width + (1 if current else 0)
        current.append(piece)
    if current:
        lines.append(" ".join(current))
    return lines
