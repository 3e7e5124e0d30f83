"""The Cost view: watch the n^2 of attention happen.

A slider picks the longest sequence (16 to 8192 tokens); "Measure" times the engine
on synthetic sequences of 16, 32, ... up to it, on a worker thread, and plots time
and memory against n on log-log axes with the fitted exponent beside each curve.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from app.cost_runner import MAX_N, MAX_N_WITH_WEIGHTS, MIN_N, CostRunner, fit_exponent

TIME_PEN = pg.mkPen((0, 114, 178), width=3)  # Okabe-Ito blue
MEMORY_PEN = pg.mkPen((213, 94, 0), width=3)  # Okabe-Ito vermillion


def _power_of_two(step: int) -> int:
    return 2**step


class CostView(QWidget):
    """Time and memory of one attention call against the number of tokens."""

    def __init__(self, session=None, selection=None, parent=None, runner: CostRunner | None = None):
        super().__init__(parent)
        self.runner = runner or CostRunner(self)
        self.points: list[dict] = []
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(MIN_N.bit_length() - 1, MAX_N.bit_length() - 1)  # 2^4 .. 2^13
        self.slider.setValue(11)
        self.slider.setPageStep(1)
        self.slider.setToolTip(self.tr("The longest sequence to measure: 16 to 8192 tokens."))
        self.n_label = QLabel()
        self.n_label.setMinimumWidth(90)
        self.weights_check = QCheckBox(self.tr("Keep every weight (n \u00d7 n per head)"))
        self.weights_check.setToolTip(
            self.tr(
                "On: store the whole attention matrix, as the heatmaps need; memory grows as n\u00b2. "
                "Off: stream over the keys and keep only the output; memory grows as n. Up to n = "
                "{limit} with weights."
            ).format(limit=MAX_N_WITH_WEIGHTS)
        )
        self.measure_button = QPushButton(self.tr("Measure"))
        self.measure_button.setToolTip(
            self.tr("Time the engine on 16, 32, 64, ... tokens up to the slider's n.")
        )
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("Stop after the length being measured now."))
        self.stop_button.setEnabled(False)
        self.status = QLabel(self.tr("Press Measure to time attention on longer and longer sequences."))
        self.status.setWordWrap(True)

        self.plot = pg.PlotWidget(background="w", enableMenu=False)
        self.plot.setLogMode(x=True, y=True)
        self.plot.setLabel("bottom", self.tr("tokens n"))
        self.plot.setLabel("left", self.tr("time (s) / memory (MB)"))
        self.plot.showGrid(x=True, y=True, alpha=0.3)
        # One tick per measured length (16, 32, ... 8192) instead of pyqtgraph's crowded
        # minor ticks; on a log axis the tick positions are log10 values.
        lengths = [2**k for k in range(MIN_N.bit_length() - 1, MAX_N.bit_length())]
        self.plot.getAxis("bottom").setTicks([[(math.log10(n), f"{n:,}") for n in lengths], []])
        for name in ("bottom", "left"):
            self.plot.getAxis(name).setTextPen(pg.mkPen(30, 30, 30))
        self.plot.addLegend(offset=(10, 10))
        self.plot.setMenuEnabled(False)
        self.time_curve = self.plot.plot(
            [], [], pen=TIME_PEN, symbol="o", symbolBrush=TIME_PEN.color(), name=self.tr("time (s)")
        )
        self.memory_curve = self.plot.plot(
            [], [], pen=MEMORY_PEN, symbol="s", symbolBrush=MEMORY_PEN.color(), name=self.tr("memory (MB)")
        )
        self.fit_label = QLabel()
        self.fit_label.setStyleSheet("font-size: 14pt; font-weight: 600;")

        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Up to n =")))
        row.addWidget(self.slider, 1)
        row.addWidget(self.n_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.weights_check)
        buttons.addStretch(1)
        buttons.addWidget(self.measure_button)
        buttons.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(buttons)
        layout.addWidget(self.fit_label)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.status)

        self.slider.valueChanged.connect(self._on_slider)
        self.measure_button.clicked.connect(self.measure)
        self.stop_button.clicked.connect(self.runner.stop)
        self.runner.sigMeasured.connect(self._on_measured)
        self.runner.sigBusyChanged.connect(self._on_busy)
        self.runner.sigFailed.connect(self.status.setText)
        self._on_slider(self.slider.value())

    @property
    def n_max(self) -> int:
        return _power_of_two(self.slider.value())

    def _on_slider(self, step: int) -> None:
        self.n_label.setText(f"{_power_of_two(step):,}")

    def measure(self) -> None:
        try:
            self.runner.request(self.n_max, self.weights_check.isChecked())
        except ValueError as exc:
            self.status.setText(str(exc))
            return
        self.points = []
        self._redraw()
        self.status.setText(
            self.tr("Measuring 16 to {n} tokens\u2026 the window stays usable meanwhile.").format(
                n=f"{self.n_max:,}"
            )
        )

    def _on_measured(self, m: dict) -> None:
        self.points.append(m)
        self._redraw()
        mode = self.tr("with weights") if m["need_weights"] else self.tr("output only")
        peak = ""
        if m["peak_bytes"] is not None:
            peak = self.tr(", {megabytes} MB").format(megabytes=f"{m['peak_bytes'] / 1e6:.1f}")
        self.status.setText(
            self.tr("n = {n} ({mode}): {milliseconds} ms").format(
                n=f"{m['n']:,}", mode=mode, milliseconds=f"{m['seconds'] * 1e3:.2f}"
            )
            + peak
        )

    def _on_busy(self, busy: bool) -> None:
        self.measure_button.setEnabled(not busy)
        self.stop_button.setEnabled(busy)

    def exponents(self) -> tuple[float | None, float | None]:
        ns = [p["n"] for p in self.points]
        time_fit = fit_exponent(ns, [p["seconds"] for p in self.points])
        memory_fit = fit_exponent(ns, [p["peak_bytes"] or 0 for p in self.points])
        return time_fit, memory_fit

    def _redraw(self) -> None:
        ns = [p["n"] for p in self.points]
        self.time_curve.setData(ns, [p["seconds"] for p in self.points])
        mem = [(p["n"], p["peak_bytes"] / 1e6) for p in self.points if p["peak_bytes"]]
        self.memory_curve.setData([n for n, _ in mem], [m for _, m in mem])
        time_fit, memory_fit = self.exponents()
        parts = []
        if time_fit is not None:
            parts.append(self.tr("time grows as n^{exponent}").format(exponent=f"{time_fit:.2f}"))
        if memory_fit is not None:
            parts.append(self.tr("memory as n^{exponent}").format(exponent=f"{memory_fit:.2f}"))
        self.fit_label.setText(
            "; ".join(parts) + ("  " + self.tr("(2 means: double n, four times the cost)") if parts else "")
        )

    def shutdown(self) -> None:
        """Called by the main window as it closes: no measurement outlives the window."""
        self.runner.shutdown()
