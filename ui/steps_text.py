"""The step-by-step panel's content: the four steps of attention as headings, paragraphs and tables.

Formatting only: every number comes from :class:`app.steps.WorkedSteps`. Numbers are
written with 2 decimals, like the heatmap's cells; exp values with 3, since they are
often small. The words are translated (context "steps_text") each time it is built.

The content is plain data (:class:`Table`, tuples of strings), not HTML: the panel
paints it itself (:mod:`ui.steps_canvas`), because laying out a rich-text document with
four tables cost tens of milliseconds per edit, most of the time a whole edit may take.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

STEP_TITLES = (
    QT_TRANSLATE_NOOP("steps_text", "1. Scores: how well does the query match each key?"),
    QT_TRANSLATE_NOOP("steps_text", "2. Scale, temperature and mask: scores become logits"),
    QT_TRANSLATE_NOOP("steps_text", "3. Softmax: logits become weights that sum to 1"),
    QT_TRANSLATE_NOOP("steps_text", "4. Output: the weighted sum of the value vectors"),
)
translate = QCoreApplication.translate  # lupdate finds translate("context", "text") calls
NEG_INF = "-\u221e"

# Column kinds: how a cell is drawn and measured.
TEXT = "text"  # a token or a label: proportional font, left-aligned
NUM = "num"  # a number: monospace, right-aligned
VEC = "vec"  # a vector: monospace, breaks between its entries when the column is narrow
LINK = "link"  # a (label, target) pair the reader clicks

# Row styles.
NORMAL, MASKED, SUM, FORMULA = range(4)


@dataclass(frozen=True)
class Column:
    header: str
    kind: str
    bold: bool = False


@dataclass
class Table:
    """Rows are (style, cells). A VEC cell is a tuple of entries, a LINK cell (label, target).

    A SUM row may have fewer cells than columns: its first cell (a label) then spans the
    columns before the others. A FORMULA row's cells are the pieces of one long line
    (``score(...) =``, ``a x b +``, ...), drawn from the second column on and wrapped
    between pieces.
    """

    columns: tuple[Column, ...]
    rows: list[tuple[int, tuple]] = field(default_factory=list)


@dataclass(frozen=True)
class Paragraph:
    rich: str  # for drawing: may hold <b>, everything else escaped
    plain: str  # for copying and reading back


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Links:
    links: tuple[tuple[str, str], ...]  # (label, target)


_written: dict[tuple, list[str]] = {}  # (bytes, decimals) -> texts: see numbers()
_WRITTEN_LIMIT = 50_000  # texts kept (a few MB at most) before the cache starts over
_written_count = [0]


def numbers(values, decimals: int = 2) -> list[str]:
    """Each number as the panel writes it: fixed decimals, minus infinity spelled out.

    Remembered by value, since most edits change only some of the arrays (a W_Q cell
    leaves the keys and values alone) and formatting is most of the cost of this text.
    The returned list is shared: don't change it.
    """
    array = np.asarray(values, dtype=float)
    key = (array.tobytes(), decimals)
    out = _written.get(key)
    if out is None:
        if _written_count[0] + array.size > _WRITTEN_LIMIT:
            _written.clear()
            _written_count[0] = 0
        _written_count[0] += array.size
        out = [f"{x:.{decimals}f}" for x in array.ravel().tolist()]
        out = _written[key] = [NEG_INF if s == "-inf" else s for s in out]
    return out


def num(x: float) -> str:
    return numbers([x])[0]


def vector_text(entries: list[str]) -> str:
    return "[" + ", ".join(entries) + "]"


def _paragraph(template: str, **values: str) -> Paragraph:
    """A paragraph whose ``{token}`` values (if any) are bold; every value is escaped."""
    rich = {k: f"<b>{escape(v)}</b>" if k == "token" else escape(v) for k, v in values.items()}
    return Paragraph(escape(template).format(**rich), template.format(**values))


def step_scores(steps, expanded: set[int]) -> list:
    n = len(steps.tokens)
    q_name = steps.tokens[steps.query]
    intro = _paragraph(
        translate(
            "steps_text",
            "The query vector of {token} is q = {q}. Its score with a key is the dot product "
            "q \u00b7 k: multiply matching entries and add them up.",
        ),
        token=q_name,
        q=vector_text(numbers(steps.q)),
    )
    links = Links(
        (
            (translate("steps_text", "Show every sum"), "all"),
            (translate("steps_text", "Hide the sums"), "none"),
        )
    )
    table = Table(
        (
            Column("#", NUM),
            Column(translate("steps_text", "key"), TEXT, bold=True),
            Column("q \u00b7 k", NUM, bold=True),
            Column(translate("steps_text", "k (key vector)"), VEC),
            Column("", LINK),
        )
    )
    show, hide = translate("steps_text", "show the sum"), translate("steps_text", "hide")
    scores = numbers(steps.scores)
    keys = np.asarray(steps.k)
    k_entries = numbers(keys.ravel())
    d = keys.shape[1] if keys.ndim == 2 else 0
    q_entries = numbers(steps.q)
    template = translate("steps_text", "score({query}, {key}) =")
    for j in range(n):
        k_j = tuple(k_entries[j * d : (j + 1) * d])
        link = (hide if j in expanded else show, str(j))
        table.rows.append((NORMAL, (str(j + 1), steps.tokens[j], scores[j], k_j, link)))
        if j in expanded:
            pieces = [template.format(query=q_name, key=steps.tokens[j])]
            pieces += [f"{a} \u00d7 {b} +" for a, b in zip(q_entries, k_j, strict=True)]
            if d:
                pieces[-1] = pieces[-1][:-2]  # no "+" after the last product
            pieces.append(f"= {scores[j]}")
            table.rows.append((FORMULA, tuple(pieces)))
    return [intro, links, table]


def step_logits(steps) -> list:
    d = num(steps.scale_divisor)
    temperature = num(steps.temperature)
    text = translate(
        "steps_text",
        "logit = score \u00f7 \u221ad_k \u00f7 temperature = score \u00f7 {divisor} \u00f7 {temperature}.",
    ).format(divisor=d, temperature=temperature)
    if steps.masked.any():
        text += " " + translate("steps_text", "Keys after the query are masked: their logit is -\u221e.")
    scale = (
        f"\u00f7 \u221ad_k = \u00f7 {d}"
        if steps.scale_divisor != 1.0
        else translate("steps_text", "not scaled")
    )
    table = Table(
        (
            Column(translate("steps_text", "key"), TEXT, bold=True),
            Column(translate("steps_text", "score"), NUM),
            Column(scale, NUM),
            Column(
                translate("steps_text", "\u00f7 T = \u00f7 {temperature}: logit").format(
                    temperature=temperature
                ),
                NUM,
                bold=True,
            ),
        )
    )
    masked = translate("steps_text", "(masked)")
    scores, scaled, logits = numbers(steps.scores), numbers(steps.scaled), numbers(steps.logits)
    for j, token in enumerate(steps.tokens):
        if steps.masked[j]:
            table.rows.append((MASKED, (token, scores[j], scaled[j], f"{NEG_INF} {masked}")))
        else:
            table.rows.append((NORMAL, (token, scores[j], scaled[j], logits[j])))
    return [Paragraph(escape(text), text), table]


def step_softmax(steps) -> list:
    shift = steps.exp_shift
    if shift:
        exp_head = translate("steps_text", "exp(logit - {shift})").format(shift=num(shift))
    else:
        exp_head = translate("steps_text", "exp(logit)")
    text = translate(
        "steps_text",
        "weight = exp(logit) \u00f7 (sum of all exp values). exp makes every number positive "
        "and the biggest logits much bigger; dividing by the sum makes the row add up to 1.",
    )
    if shift:
        text += " " + translate(
            "steps_text",
            "The logits are large, so the largest ({shift}) is subtracted first: the "
            "weights come out the same and the numbers stay printable.",
        ).format(shift=num(shift))
    table = Table(
        (
            Column(translate("steps_text", "key"), TEXT, bold=True),
            Column(translate("steps_text", "logit"), NUM),
            Column(exp_head, NUM),
            Column(translate("steps_text", "weight"), NUM, bold=True),
            Column("", NUM),
        )
    )
    masked = translate("steps_text", "(masked)")
    logits, exps, weights = numbers(steps.logits), numbers(steps.exps, 3), numbers(steps.weights)
    exp_sum = f"{steps.exp_sum:.3f}"
    for j, token in enumerate(steps.tokens):
        if steps.masked[j]:
            table.rows.append((MASKED, (token, NEG_INF, "0.000", "0.00", masked)))
        else:
            table.rows.append(
                (NORMAL, (token, logits[j], exps[j], weights[j], f"= {exps[j]} \u00f7 {exp_sum}"))
            )
    table.rows.append((SUM, (translate("steps_text", "sum"), "", exp_sum, num(steps.weights.sum()), "")))
    return [Paragraph(escape(text), text), table]


def step_output(steps) -> list:
    q_name = steps.tokens[steps.query]
    intro = _paragraph(
        translate(
            "steps_text",
            "Each key's value vector v is multiplied by its weight and the results are added: "
            "the head's output for {token} is a mix of the values it paid attention to.",
        ),
        token=q_name,
    )
    table = Table(
        (
            Column(translate("steps_text", "key"), TEXT, bold=True),
            Column(translate("steps_text", "weight"), NUM),
            Column(translate("steps_text", "v (value vector)"), VEC),
            Column(translate("steps_text", "weight \u00d7 v"), VEC),
        )
    )
    values, weighted = np.asarray(steps.v), np.asarray(steps.weighted_values)
    d = values.shape[1] if values.ndim == 2 else 0
    v_entries, wv_entries, weights = (
        numbers(values.ravel()),
        numbers(weighted.ravel()),
        numbers(steps.weights),
    )
    for j, token in enumerate(steps.tokens):
        style = MASKED if steps.masked[j] else NORMAL
        cells = (
            token,
            weights[j],
            tuple(v_entries[j * d : (j + 1) * d]),
            tuple(wv_entries[j * d : (j + 1) * d]),
        )
        table.rows.append((style, cells))
    total = translate("steps_text", "sum = output of this head for {token}").format(token=q_name)
    table.rows.append((SUM, (total, tuple(numbers(steps.weighted_sum)))))
    out = [intro, table]
    if not steps.head_on:
        off = translate(
            "steps_text", "This head is switched off, so its output is multiplied by 0: {output}."
        )
        text = off.format(output=vector_text(numbers(steps.output)))
        out.append(Paragraph(escape(text), text))
    return out


def steps_blocks(steps, revealed: int, expanded: set[int]) -> list:
    """The first ``revealed`` steps (1-4): headings, paragraphs, links and tables, in order."""
    builders = (
        lambda: step_scores(steps, expanded),
        lambda: step_logits(steps),
        lambda: step_softmax(steps),
        lambda: step_output(steps),
    )
    blocks: list = []
    for i in range(max(0, min(revealed, len(builders)))):
        blocks.append(Heading(translate("steps_text", STEP_TITLES[i])))
        blocks.extend(builders[i]())
    return blocks


def plain_text(blocks) -> str:
    """The blocks as text, a line per heading, paragraph and table row (cells tab-separated)."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            lines.append(block.text)
        elif isinstance(block, Paragraph):
            lines.append(block.plain)
        elif isinstance(block, Links):
            lines.append(" \u00b7 ".join(label for label, _ in block.links))
        else:
            kinds = [c.kind for c in block.columns]
            lines.append("\t".join(c.header for c in block.columns))
            for style, cells in block.rows:
                if style == FORMULA:
                    lines.append("\t" + " ".join(cells))
                    continue
                # A short row's first cell is a label over the first columns.
                row_kinds = (
                    [TEXT] + kinds[len(kinds) - len(cells) + 1 :] if len(cells) < len(kinds) else kinds
                )
                lines.append("\t".join(_cell_text(k, c) for k, c in zip(row_kinds, cells, strict=True)))
    return "\n".join(lines)


def _cell_text(kind: str, cell) -> str:
    if kind == LINK:
        return cell[0]
    return vector_text(cell) if kind == VEC else cell
