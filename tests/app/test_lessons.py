"""Lessons: load from data, step through, and judge predictions against the real weights."""

from __future__ import annotations

import pytest

from app.lessons import LessonError, LessonRunner, load_lessons, most_attended, parse_lesson, parse_lesson_arg
from app.selection import Selection
from app.session import Session

EXPECTED = [
    "dinner-party",
    "bank",
    "qkv",
    "four-steps",
    "one-vs-many",
    "specialised-heads",
    "positions",
    "causal",
    "cost",
]

# The answer each predict step's text promises, as (lesson, step index) -> token.
PROMISED_ANSWERS = {
    ("dinner-party", 1): "deposit",
    ("bank", 2): "river",
    ("qkv", 1): "deposit",
    ("four-steps", 0): "money",
    ("one-vs-many", 1): "The",
    ("specialised-heads", 0): "car",
    ("specialised-heads", 1): "car",
    ("specialised-heads", 2): "red",
    ("positions", 0): "river",
    ("causal", 1): "bank",
    ("cost", 1): "party",
}


@pytest.fixture
def runner(qapp):
    session = Session()
    return LessonRunner(session, Selection(session))


def test_the_nine_lessons_follow_the_explainer():
    """Nine lessons, in order, each with a title, a summary and at least one prediction."""
    lessons = load_lessons()
    assert list(lessons) == EXPECTED
    for lesson in lessons.values():
        assert lesson.title and lesson.summary
        assert any(step.predict for step in lesson.steps), lesson.slug


@pytest.mark.parametrize("slug", EXPECTED)
def test_every_step_applies_and_walks(runner, slug):
    """Next walks every step of a lesson without error; previous walks back."""
    runner.start(slug)
    seen = [runner.step]
    for _ in runner.lesson.steps[1:]:
        runner.next()
        seen.append(runner.step)
    assert seen == list(range(len(runner.lesson.steps)))
    runner.next()  # past the end stays on the last step
    assert runner.step == len(runner.lesson.steps) - 1
    runner.previous()
    assert runner.step == len(runner.lesson.steps) - 2 or len(runner.lesson.steps) == 1
    assert runner._session.error == ""


@pytest.mark.parametrize(("key", "answer"), PROMISED_ANSWERS.items())
def test_predictions_have_the_answer_the_text_promises(runner, key, answer):
    """Each predict step's right answer, from the engine's weights, is the one its text explains."""
    slug, step = key
    runner.start(slug, step)
    prediction = runner.lesson.steps[step].predict
    assert prediction is not None
    tokens = runner._session.state.tokens
    assert tokens[most_attended(runner._session.result.weights, prediction)] == answer


def test_predict_then_reveal(runner):
    """The heatmap is hidden until the student answers; a right and a wrong guess are told apart."""
    hidden = []
    runner.sigPredictionChanged.connect(hidden.append)
    runner.start("bank", 2)
    assert runner.awaiting_prediction and hidden == [True]
    tokens = runner._session.state.tokens
    right, answer = runner.answer(tokens.index("went"))
    assert not right and tokens[answer] == "river"
    assert not runner.awaiting_prediction and hidden == [True, False]
    runner.go_to(2)
    right, _ = runner.answer(tokens.index("river"))
    assert right and runner.last_verdict[0]


def test_prediction_selects_its_head_and_query(runner):
    """A predict step points the views at the head and token it asks about."""
    runner.start("specialised-heads", 2)
    assert runner._selection.head == 2 and runner._selection.query == 2


def test_a_lesson_step_is_one_undo_step(runner):
    """Setting up a step (several edits) is undone in one go."""
    session = runner._session
    before = session.state
    runner.start("causal")
    assert session.state.causal and session.state.preset == "bank-account"
    session.undo_stack.undo()
    assert session.state is before


def test_lesson_argument():
    """--lesson NAME[:STEP] counts steps from 1 and names the choices when wrong."""
    assert parse_lesson_arg("bank") == ("bank", 0)
    assert parse_lesson_arg("bank:3") == ("bank", 2)
    with pytest.raises(ValueError, match="steps 1 to 4"):
        parse_lesson_arg("bank:9")
    with pytest.raises(ValueError, match="dinner-party, bank"):
        parse_lesson_arg("nope")


def test_position_for_session_files(runner):
    """A session file records the lesson and step the user is on."""
    assert runner.position() is None
    runner.start("qkv", 1)
    assert runner.position() == {"name": "qkv", "step": 1}


@pytest.mark.parametrize(
    "data",
    [
        {"version": 2},
        {"version": 1, "slug": "x", "title": "t", "summary": "s", "steps": []},
        {"version": 1, "slug": "x", "title": "t", "summary": "s", "steps": [{"title": "a"}]},
        {
            "version": 1,
            "slug": "x",
            "title": "t",
            "summary": "s",
            "steps": [{"title": "a", "text": "b", "actions": [{"fly": 1}]}],
        },
        {
            "version": 1,
            "slug": "x",
            "title": "t",
            "summary": "s",
            "steps": [{"title": "a", "text": "b", "predict": {"question": "q"}}],
        },
    ],
)
def test_malformed_lessons_are_refused(data):
    """Broken lesson data gives a LessonError naming the problem."""
    with pytest.raises(LessonError):
        parse_lesson(data, "x.json")
