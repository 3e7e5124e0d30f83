"""The lesson panel: read a step, predict, reveal, go on.

While a step waits for a prediction, the views that would give the answer away are
covered by a :class:`Curtain`; the student clicks a token, is told whether it was
right, and the curtain lifts.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.lessons import load_lessons

RIGHT_STYLE = "color: #1b5e20; font-weight: 600;"
WRONG_STYLE = "color: #b34700; font-weight: 600;"


class Curtain(QObject):
    """Covers widgets with an opaque message until lifted (it follows their size)."""

    def __init__(self, text: str, parent=None):
        super().__init__(parent)
        self._text = text
        self._covers: dict[QWidget, QLabel] = {}

    def cover(self, widgets) -> None:
        for w in widgets:
            if w in self._covers:
                continue
            label = QLabel(self._text, w)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            label.setAutoFillBackground(True)
            label.setStyleSheet("background: #f4f4f8; color: #333; font-size: 16pt; padding: 24px;")
            label.setGeometry(w.rect())
            label.show()
            label.raise_()
            w.installEventFilter(self)
            self._covers[w] = label

    def lift(self) -> None:
        for w, label in self._covers.items():
            w.removeEventFilter(self)
            label.deleteLater()
        self._covers.clear()

    @property
    def covering(self) -> bool:
        return bool(self._covers)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize and watched in self._covers:
            self._covers[watched].setGeometry(watched.rect())
        return False


class LessonPanel(QWidget):
    """Lesson chooser, the step's text, prediction buttons and step navigation."""

    def __init__(self, runner, session, conceal=(), parent=None):
        """``conceal``: the widgets a prediction hides, or a function returning them (asked
        each time, so views built later are covered too)."""
        super().__init__(parent)
        self._runner = runner
        self._session = session
        self._conceal = conceal if callable(conceal) else list(conceal)
        self.curtain = Curtain(
            self.tr("Make your prediction first:\nclick the token you expect to get the most attention.")
        )

        self.chooser = QComboBox()
        self.chooser.addItem(self.tr("Choose a lesson\u2026"), "")
        for slug, lesson in load_lessons().items():
            self.chooser.addItem(lesson.title, slug)
            self.chooser.setItemData(self.chooser.count() - 1, lesson.summary, Qt.ItemDataRole.ToolTipRole)
        self.chooser.setToolTip(self.tr("Guided lessons that follow the explainer, step by step."))
        self.chooser.activated.connect(self._on_chosen)

        self.step_title = QLabel()
        self.step_title.setObjectName("viewTitle")
        self.step_title.setWordWrap(True)
        self.counter = QLabel()
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.question.setStyleSheet("font-weight: 600;")
        self.choices = QListWidget()
        self.choices.setFlow(QListView.Flow.LeftToRight)
        self.choices.setWrapping(True)
        self.choices.setResizeMode(QListView.ResizeMode.Adjust)
        self.choices.setMaximumHeight(260)  # 13 tokens fit without scrolling
        self.choices.setToolTip(self.tr("Click the token you think gets the most attention."))
        self.choices.setStyleSheet(
            "QListWidget::item { border: 1px solid #8a8fb0; border-radius: 6px; padding: 4px 10px;"
            " background: #eef0fa; margin: 2px; }"
        )
        self.choices.itemClicked.connect(self._on_guess)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.reveal = QPushButton(self.tr("Reveal without guessing"))
        self.reveal.setToolTip(self.tr("Show the heatmap without making a prediction."))
        self.reveal.clicked.connect(self._on_reveal)

        self.previous = QPushButton(self.tr("\u25c0 Previous"))
        self.previous.setToolTip(self.tr("The previous step (Page Up)."))
        self.next = QPushButton(self.tr("Next \u25b6"))
        self.next.setToolTip(self.tr("The next step (Page Down)."))
        self.previous.clicked.connect(runner.previous)
        self.next.clicked.connect(runner.next)
        nav = QHBoxLayout()
        nav.addWidget(self.previous)
        nav.addWidget(self.counter, 1, Qt.AlignmentFlag.AlignCenter)
        nav.addWidget(self.next)

        layout = QVBoxLayout(self)
        layout.addWidget(self.chooser)
        layout.addWidget(self.step_title)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.question)
        layout.addWidget(self.choices)
        layout.addWidget(self.reveal)
        layout.addWidget(self.verdict)
        layout.addLayout(nav)

        runner.sigStepChanged.connect(self._on_step)
        runner.sigPredictionChanged.connect(self._on_prediction)
        self._on_step(runner.lesson, runner.step)

    # --- runner -> panel -----------------------------------------------------------------

    def _on_step(self, lesson, step: int) -> None:
        has_lesson = lesson is not None
        for w in (self.previous, self.next, self.text, self.step_title, self.counter):
            w.setVisible(has_lesson)
        if not has_lesson:
            self._show_prediction(None)
            return
        index = self.chooser.findData(lesson.slug)
        old = self.chooser.blockSignals(True)
        self.chooser.setCurrentIndex(index)
        self.chooser.blockSignals(old)
        current = lesson.steps[step]
        self.step_title.setText(current.title)
        self.counter.setText(
            self.tr("Step {number} of {count}").format(number=step + 1, count=len(lesson.steps))
        )
        self.text.setMarkdown(current.text)
        self.previous.setEnabled(step > 0)
        self.next.setEnabled(step + 1 < len(lesson.steps))
        self._show_prediction(current.predict)

    def _show_prediction(self, prediction) -> None:
        asked = prediction is not None
        verdict = self._runner.last_verdict
        for w in (self.question, self.choices):
            w.setVisible(asked)
        self.reveal.setVisible(asked and self._runner.awaiting_prediction)
        self.choices.setEnabled(asked and self._runner.awaiting_prediction)
        if not asked:
            self.verdict.setText("")
            return
        self.question.setText(prediction.question)
        self.choices.clear()
        tokens = self._session.state.tokens
        for i, token in enumerate(tokens):
            # A repeated word carries its position, so "the second bank" can be picked.
            label = f"{token} #{i + 1}" if tokens.count(token) > 1 else token
            QListWidgetItem(label, self.choices)
        if verdict is None:
            self.verdict.setText("")
            return
        right, guess, answer = verdict
        tokens = self._session.state.tokens
        weight = self._session.result.weights[prediction.head, prediction.query, answer]
        if right:
            self.verdict.setText(
                self.tr("Right! '{answer}' gets the most attention ({weight}).").format(
                    answer=tokens[answer], weight=f"{weight:.2f}"
                )
            )
            self.verdict.setStyleSheet(RIGHT_STYLE)
        else:
            self.verdict.setText(
                self.tr(
                    "Not quite: you chose '{guess}', but '{answer}' gets the most attention "
                    "({weight}). Look at its row in the heatmap."
                ).format(guess=tokens[guess], answer=tokens[answer], weight=f"{weight:.2f}")
            )
            self.verdict.setStyleSheet(WRONG_STYLE)

    def _on_prediction(self, awaiting: bool) -> None:
        if awaiting:
            self.curtain.cover(self._conceal() if callable(self._conceal) else self._conceal)
        else:
            self.curtain.lift()
        self.reveal.setVisible(awaiting)

    # --- panel -> runner -----------------------------------------------------------------

    def _on_chosen(self, index: int) -> None:
        slug = self.chooser.itemData(index)
        if slug:
            self._runner.start(slug)
        else:
            self._runner.stop()

    def _on_guess(self, item: QListWidgetItem) -> None:
        if self._runner.awaiting_prediction:
            self._runner.answer(self.choices.row(item))

    def _on_reveal(self) -> None:
        self._runner.reveal()
