"""The step-by-step panel's text: the four steps of attention as HTML with real numbers.

Formatting only: every number comes from :class:`app.steps.WorkedSteps`. Numbers are
written with 2 decimals, like the heatmap's cells; exp values with 3, since they are
often small. The words are translated (context "steps_html") each time the text is built.
"""

from __future__ import annotations

from html import escape

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

STEP_TITLES = (
    QT_TRANSLATE_NOOP("steps_html", "1. Scores: how well does the query match each key?"),
    QT_TRANSLATE_NOOP("steps_html", "2. Scale, temperature and mask: scores become logits"),
    QT_TRANSLATE_NOOP("steps_html", "3. Softmax: logits become weights that sum to 1"),
    QT_TRANSLATE_NOOP("steps_html", "4. Output: the weighted sum of the value vectors"),
)
translate = QCoreApplication.translate  # lupdate finds translate("context", "text") calls
CSS = """
body { font-size: 12pt; }
h3 { margin-top: 14px; margin-bottom: 4px; }
table { border-collapse: collapse; margin: 4px 0; }
td, th { padding: 2px 8px; }
th { background: #e8e8e8; text-align: right; }
td.num { text-align: right; }
td.tok { font-weight: 600; }
tr.sum td { border-top: 2px solid #555; font-weight: 600; }
.masked { color: #777; }
.formula { color: #333; font-family: monospace; }
.note { color: #444; }
"""


def num(x: float) -> str:
    """A number as the panel writes it: 2 decimals, minus infinity spelled out."""
    if np.isneginf(x):
        return "-\u221e"
    return f"{x:.2f}"


def vector(v) -> str:
    return "[" + ", ".join(num(x) for x in v) + "]"


def token_name(steps, j: int) -> str:
    return escape(steps.tokens[j])


def score_formula(steps, j: int) -> str:
    """e.g. ``score(bank, money) = 0.80 x 1.00 + 0.40 x 0.00 = 0.80``."""
    terms = " + ".join(f"{num(a)} \u00d7 {num(b)}" for a, b in zip(steps.q, steps.k[j], strict=True))
    q_name, k_name = token_name(steps, steps.query), token_name(steps, j)
    return translate("steps_html", "score({query}, {key}) = {terms} = {score}").format(
        query=q_name, key=k_name, terms=terms, score=num(steps.scores[j])
    )


def _header(cells) -> str:
    return "<tr>" + "".join(f"<th>{c}</th>" for c in cells) + "</tr>"


def step_scores(steps, expanded: set[int]) -> str:
    q_name = token_name(steps, steps.query)
    intro = translate(
        "steps_html",
        "The query vector of <b>{token}</b> is q = {q}. Its score with a key is "
        "the dot product q \u00b7 k: multiply matching entries and add them up.",
    ).format(token=q_name, q=vector(steps.q))
    show_all, hide_all = translate("steps_html", "Show every sum"), translate("steps_html", "Hide the sums")
    rows = [
        f"<p>{intro} <a href='expand:all'>{show_all}</a> \u00b7 <a href='expand:none'>{hide_all}</a></p>",
        "<table>",
        _header(
            ["#", translate("steps_html", "key"), translate("steps_html", "k (key vector)"), "q \u00b7 k", ""]
        ),
    ]
    for j in range(len(steps.tokens)):
        link = translate("steps_html", "hide") if j in expanded else translate("steps_html", "show the sum")
        rows.append(
            f"<tr><td class='num'>{j + 1}</td><td class='tok'>{token_name(steps, j)}</td>"
            f"<td class='num'>{vector(steps.k[j])}</td><td class='num'><b>{num(steps.scores[j])}</b></td>"
            f"<td><a href='expand:{j}'>{link}</a></td></tr>"
        )
        if j in expanded:
            rows.append(f"<tr><td></td><td colspan='4' class='formula'>{score_formula(steps, j)}</td></tr>")
    rows.append("</table>")
    return "".join(rows)


def step_logits(steps) -> str:
    d = steps.scale_divisor
    scale = f"\u00f7 \u221ad_k = \u00f7 {num(d)}" if d != 1.0 else translate("steps_html", "not scaled")
    temperature = num(steps.temperature)
    intro = translate(
        "steps_html",
        "logit = score \u00f7 \u221ad_k \u00f7 temperature = score \u00f7 {divisor} \u00f7 {temperature}.",
    ).format(divisor=num(d), temperature=temperature)
    if steps.masked.any():
        intro += " " + translate("steps_html", "Keys after the query are masked: their logit is -\u221e.")
    rows = [
        f"<p>{intro}</p><table>",
        _header(
            [
                translate("steps_html", "key"),
                translate("steps_html", "score"),
                scale,
                translate("steps_html", "\u00f7 T = \u00f7 {temperature}: logit").format(
                    temperature=temperature
                ),
            ]
        ),
    ]
    masked = translate("steps_html", "(masked)")
    for j in range(len(steps.tokens)):
        if steps.masked[j]:
            logit = f"<span class='masked'>-\u221e {masked}</span>"
        else:
            logit = f"<b>{num(steps.logits[j])}</b>"
        rows.append(
            f"<tr><td class='tok'>{token_name(steps, j)}</td><td class='num'>{num(steps.scores[j])}</td>"
            f"<td class='num'>{num(steps.scaled[j])}</td><td class='num'>{logit}</td></tr>"
        )
    rows.append("</table>")
    return "".join(rows)


def step_softmax(steps) -> str:
    shift = steps.exp_shift
    if shift:
        exp_head = translate("steps_html", "exp(logit - {shift})").format(shift=num(shift))
    else:
        exp_head = translate("steps_html", "exp(logit)")
    intro = translate(
        "steps_html",
        "weight = exp(logit) \u00f7 (sum of all exp values). exp makes every number positive "
        "and the biggest logits much bigger; dividing by the sum makes the row add up to 1.",
    )
    if shift:
        intro += " " + translate(
            "steps_html",
            "The logits are large, so the largest ({shift}) is subtracted first: the "
            "weights come out the same and the numbers stay printable.",
        ).format(shift=num(shift))
    header = [translate("steps_html", "key"), translate("steps_html", "logit"), exp_head]
    rows = [f"<p>{intro}</p><table>", _header([*header, translate("steps_html", "weight")])]
    masked = translate("steps_html", "(masked)")
    for j in range(len(steps.tokens)):
        if steps.masked[j]:
            rows.append(
                f"<tr class='masked'><td class='tok'>{token_name(steps, j)}</td><td class='num'>-\u221e</td>"
                f"<td class='num'>0.000</td><td class='num'>0.00 {masked}</td></tr>"
            )
            continue
        rows.append(
            f"<tr><td class='tok'>{token_name(steps, j)}</td><td class='num'>{num(steps.logits[j])}</td>"
            f"<td class='num'>{steps.exps[j]:.3f}</td>"
            f"<td class='num'><b>{num(steps.weights[j])}</b> = {steps.exps[j]:.3f} \u00f7 "
            f"{steps.exp_sum:.3f}</td></tr>"
        )
    total = translate("steps_html", "sum")
    rows.append(
        f"<tr class='sum'><td>{total}</td><td></td><td class='num'>{steps.exp_sum:.3f}</td>"
        f"<td class='num'>{num(steps.weights.sum())}</td></tr></table>"
    )
    return "".join(rows)


def step_output(steps) -> str:
    q_name = token_name(steps, steps.query)
    intro = translate(
        "steps_html",
        "Each key's value vector v is multiplied by its weight and the results are added: "
        "the head's output for <b>{token}</b> is a mix of the values it paid attention to.",
    ).format(token=q_name)
    header = [translate("steps_html", "key"), translate("steps_html", "weight")]
    header += [translate("steps_html", "v (value vector)"), translate("steps_html", "weight \u00d7 v")]
    rows = [f"<p>{intro}</p><table>", _header(header)]
    for j in range(len(steps.tokens)):
        cls = " class='masked'" if steps.masked[j] else ""
        rows.append(
            f"<tr{cls}><td class='tok'>{token_name(steps, j)}</td>"
            f"<td class='num'>{num(steps.weights[j])}</td><td class='num'>{vector(steps.v[j])}</td>"
            f"<td class='num'>{vector(steps.weighted_values[j])}</td></tr>"
        )
    total = translate("steps_html", "sum = output of this head for {token}").format(token=q_name)
    rows.append(
        f"<tr class='sum'><td colspan='3'>{total}</td>"
        f"<td class='num'>{vector(steps.weighted_sum)}</td></tr></table>"
    )
    if not steps.head_on:
        off = translate(
            "steps_html", "This head is switched off, so its output is multiplied by 0: {output}."
        )
        rows.append(f"<p class='note'>{off.format(output=vector(steps.output))}</p>")
    return "".join(rows)


def steps_html(steps, revealed: int, expanded: set[int]) -> str:
    """The first ``revealed`` steps (1-4) as one HTML document."""
    parts = [f"<html><head><style>{CSS}</style></head><body>"]
    builders = (
        lambda: step_scores(steps, expanded),
        lambda: step_logits(steps),
        lambda: step_softmax(steps),
        lambda: step_output(steps),
    )
    for i in range(revealed):
        title = translate("steps_html", STEP_TITLES[i])
        parts.append(f"<h3>{title}</h3>")
        parts.append(builders[i]())
    parts.append("</body></html>")
    return "".join(parts)
