"""Guided lessons: Markdown text plus the app state each step sets, stored as data.

A lesson file (``resources/lessons/NN-slug.json``) lists steps. Each step has a title,
Markdown text, optional ``actions`` that set up the session (load a preset, change
the sentence, switch positions off, ...), optional ``select`` (head, query token) and
``show`` (the view to bring forward), and optionally a ``predict`` question: the
student clicks the token they expect to receive the most attention before the
heatmap is revealed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from PySide6.QtCore import QObject, Signal

from app.resources import resources_dir

FORMAT_VERSION = 1
ACTIONS = ("preset", "sentence", "heads", "positions", "causal", "scale", "temperature", "shuffle", "d_k")


class LessonError(ValueError):
    """A lesson file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Prediction:
    """Ask which key token the ``query`` token attends to most in ``head``."""

    question: str
    query: int
    head: int
    exclude_self: bool = True


@dataclass(frozen=True)
class Step:
    title: str
    text: str
    actions: tuple[tuple[str, object], ...] = ()
    head: int | None = None
    query: int | None = None
    show: str = ""
    predict: Prediction | None = None


@dataclass(frozen=True)
class Lesson:
    slug: str
    title: str
    summary: str
    steps: tuple[Step, ...] = field(default_factory=tuple)


# --- reading ----------------------------------------------------------------------------------


def _text(data: dict, key: str, where: str, required: bool = True) -> str:
    value = data.get(key, None if required else "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise LessonError(f"{where}: {key!r} must be text.")
    return value


def _index(data: dict, key: str, where: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise LessonError(f"{where}: {key!r} must be a whole number from 0.")
    return value


def parse_step(data, where: str) -> Step:
    if not isinstance(data, dict):
        raise LessonError(f"{where}: a step must be an object.")
    actions = data.get("actions", [])
    if not isinstance(actions, list):
        raise LessonError(f"{where}: 'actions' must be a list.")
    parsed = []
    for a in actions:
        if not (isinstance(a, dict) and len(a) == 1 and next(iter(a)) in ACTIONS):
            raise LessonError(f"{where}: each action is one of {', '.join(ACTIONS)}, not {a!r}.")
        parsed.append(next(iter(a.items())))
    predict = None
    if "predict" in data:
        p = data["predict"]
        if not isinstance(p, dict):
            raise LessonError(f"{where}: 'predict' must be an object.")
        query, head = _index(p, "query", where), _index(p, "head", where)
        if query is None or head is None:
            raise LessonError(f"{where}: 'predict' needs a query token index and a head index.")
        predict = Prediction(_text(p, "question", where), query, head, bool(p.get("exclude_self", True)))
    return Step(
        title=_text(data, "title", where),
        text=_text(data, "text", where),
        actions=tuple(parsed),
        head=_index(data, "head", where),
        query=_index(data, "query", where),
        show=_text(data, "show", where, required=False),
        predict=predict,
    )


def parse_lesson(data, where: str) -> Lesson:
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise LessonError(f"{where}: not a lesson of format version {FORMAT_VERSION}.")
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        raise LessonError(f"{where}: a lesson needs at least one step.")
    return Lesson(
        slug=_text(data, "slug", where),
        title=_text(data, "title", where),
        summary=_text(data, "summary", where),
        steps=tuple(parse_step(s, f"{where}, step {i + 1}") for i, s in enumerate(steps)),
    )


@lru_cache(maxsize=1)
def load_lessons() -> dict[str, Lesson]:
    """Every lesson in ``resources/lessons``, in file-name order (the files are numbered)."""
    lessons = {}
    for path in sorted((resources_dir() / "lessons").glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise LessonError(f"{path.name}: not readable JSON ({exc}).") from None
        lesson = parse_lesson(data, path.name)
        lessons[lesson.slug] = lesson
    return lessons


def parse_lesson_arg(text: str) -> tuple[str, int]:
    """``--lesson NAME[:STEP]`` (STEP counts from 1) -> (slug, step index from 0)."""
    name, _, step = text.partition(":")
    lessons = load_lessons()
    if name not in lessons:
        raise ValueError(f"There is no lesson {name!r}; choose one of: {', '.join(lessons)}.")
    if not step:
        return name, 0
    if not step.isdigit() or not 1 <= int(step) <= len(lessons[name].steps):
        raise ValueError(f"Lesson {name!r} has steps 1 to {len(lessons[name].steps)}, not {step!r}.")
    return name, int(step) - 1


# --- checking a prediction --------------------------------------------------------------------


def most_attended(weights: np.ndarray, prediction: Prediction) -> int:
    """The key the query attends to most in the prediction's head (itself aside if asked)."""
    row = np.array(weights[prediction.head, prediction.query], dtype=float)
    if prediction.exclude_self and row.size > 1:
        row[prediction.query] = -np.inf
    return int(np.argmax(row))


def judge(weights: np.ndarray, prediction: Prediction, guess: int) -> bool:
    """Right when the guess gets the largest weight (ties count as right)."""
    row = np.array(weights[prediction.head, prediction.query], dtype=float)
    if prediction.exclude_self and row.size > 1:
        row[prediction.query] = -np.inf
    return bool(row[guess] >= row.max() - 1e-12)


# --- walking a lesson -------------------------------------------------------------------------


class LessonRunner(QObject):
    """Where the user is in which lesson; applying a step edits the session.

    Signals
    -------
    sigStepChanged(object, int)
        The lesson (or None) and the step index now shown.
    sigShowView(str)
        A step asks for this view (dock key) to be brought forward.
    sigPredictionChanged(bool)
        True while a prediction is asked and not yet answered (views hide the answer).
    """

    sigStepChanged = Signal(object, int)
    sigShowView = Signal(str)
    sigPredictionChanged = Signal(bool)

    def __init__(self, session, selection, parent=None):
        super().__init__(parent)
        self._session = session
        self._selection = selection
        self.lesson: Lesson | None = None
        self.step = 0
        self.awaiting_prediction = False
        self.last_verdict: tuple[bool, int, int] | None = None  # (right, guess, answer)

    def position(self) -> dict | None:
        """What a session file records: {"name": slug, "step": index} or None."""
        return {"name": self.lesson.slug, "step": self.step} if self.lesson else None

    def start(self, slug: str, step: int = 0) -> None:
        lessons = load_lessons()
        if slug not in lessons:
            raise ValueError(f"There is no lesson {slug!r}.")
        self.lesson = lessons[slug]
        self.go_to(step)

    def stop(self) -> None:
        self.lesson = None
        self._set_awaiting(False)
        self.sigStepChanged.emit(None, 0)

    def next(self) -> None:
        """Forward one step, applying only that step's own set-up (the user's edits stay)."""
        if self.lesson and self.step + 1 < len(self.lesson.steps):
            self.go_to(self.step + 1, cumulative=False)

    def previous(self) -> None:
        if self.lesson and self.step > 0:
            self.go_to(self.step - 1)

    def go_to(self, step: int, cumulative: bool = True) -> None:
        """Show a step. Jumping (or going back) replays the set-up of every step up to it,
        so each step always looks the way its text describes."""
        if self.lesson is None:
            return
        self.step = max(0, min(step, len(self.lesson.steps) - 1))
        current = self.lesson.steps[self.step]
        steps = self.lesson.steps[: self.step + 1] if cumulative else (current,)
        actions = [a for s in steps for a in s.actions]
        if actions:
            with self._session.batch(f"Lesson: {self.lesson.title}, step {self.step + 1}"):
                for name, value in actions:
                    self._apply(name, value)
        if current.head is not None:
            self._selection.set_head(current.head)
        if current.query is not None:
            self._selection.set_query(current.query)
        self.last_verdict = None
        self._set_awaiting(current.predict is not None)
        if current.predict is not None:
            self._selection.set_head(current.predict.head)
            self._selection.set_query(current.predict.query)
        if current.show:
            self.sigShowView.emit(current.show)
        self.sigStepChanged.emit(self.lesson, self.step)

    def answer(self, guess: int) -> tuple[bool, int]:
        """The student's guess for the current step's prediction: (right?, the real answer)."""
        step = self.lesson.steps[self.step] if self.lesson else None
        if step is None or step.predict is None:
            raise ValueError("This step asks for no prediction.")
        weights = self._session.result.weights
        right = judge(weights, step.predict, guess)
        answer = most_attended(weights, step.predict)
        self.last_verdict = (right, guess, answer)
        self._set_awaiting(False)
        self.sigStepChanged.emit(self.lesson, self.step)
        return right, answer

    def reveal(self) -> None:
        """Show the heatmap without answering."""
        self._set_awaiting(False)

    def _set_awaiting(self, on: bool) -> None:
        if on != self.awaiting_prediction:
            self.awaiting_prediction = on
            self.sigPredictionChanged.emit(on)

    def _apply(self, name: str, value) -> None:
        s = self._session
        handlers = {
            "preset": s.load_preset,
            "sentence": s.set_sentence,
            "heads": s.set_heads,
            "positions": s.set_positions,
            "causal": s.set_causal,
            "scale": s.set_scale,
            "temperature": s.set_temperature,
            "shuffle": s.shuffle_tokens,
            "d_k": s.set_d_k,
        }
        handlers[name](value)
