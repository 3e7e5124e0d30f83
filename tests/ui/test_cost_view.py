"""The Cost view: the slider picks n, Measure fills the log-log plot and the fitted slopes."""

from __future__ import annotations

import pytest

from ui.cost_view import CostView


@pytest.fixture
def view(qtbot):
    v = CostView()
    qtbot.addWidget(v)
    yield v
    v.shutdown()


def test_slider_runs_from_16_to_8192(view):
    """The slider's ends are 16 and 8192 tokens, shown as a number."""
    view.slider.setValue(view.slider.minimum())
    assert view.n_max == 16 and view.n_label.text() == "16"
    view.slider.setValue(view.slider.maximum())
    assert view.n_max == 8192 and view.n_label.text() == "8,192"


def test_measure_plots_points_and_exponents(view, qtbot):
    """After a sweep the curves hold one point per length and the slopes are printed."""
    view.slider.setValue(9)  # 512
    view.measure()
    qtbot.waitUntil(lambda: not view.runner.busy and len(view.points) == 6, timeout=120_000)
    xs, _ = view.time_curve.getData()  # log10 values: the plot is log-log
    assert len(xs) == 6 and all(p["seconds"] > 0 for p in view.points)
    assert [p["n"] for p in view.points] == [16, 32, 64, 128, 256, 512]
    assert "time grows as n^" in view.fit_label.text()
    assert view.measure_button.isEnabled() and not view.stop_button.isEnabled()


def test_weights_past_4096_explain_instead_of_running(view):
    """Asking to keep every weight at 8192 tokens shows why not, and runs nothing."""
    view.weights_check.setChecked(True)
    view.slider.setValue(view.slider.maximum())
    view.measure()
    assert "GB" in view.status.text()
    assert not view.runner.busy
