"""Attention Lab: start here.

    python main.py                          open the window
    python main.py --sentence "The red car" --heads 4
    python main.py --screenshot out.png     render the window offscreen and exit
    python main.py --export out.npz --headless   compute, write the arrays, no window

Only wiring lives here: environment, flags, the application object, the window.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # --quit-after-first-paint measures from here

import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402


def _prepare_environment(args) -> None:
    """Settings that must exist before numba, Qt or pyqtgraph are imported."""
    from app.paths import numba_cache_dir

    os.environ.setdefault("NUMBA_CACHE_DIR", str(numba_cache_dir()))
    if args.threads:
        os.environ["NUMBA_NUM_THREADS"] = str(args.threads)
    if (args.screenshot or args.headless or args.self_test) and "QT_QPA_PLATFORM" not in os.environ:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def _build_session(args, backend: str = "auto"):
    """The session the command line asks for, and the lesson position a session file holds."""
    from app.session import Session

    session = Session(backend=backend)
    lesson = None
    if args.session:
        from app.session_file import load_session

        state, lesson = load_session(args.session)
        session.replace_state(state, "Open session")
    if args.preset:
        session.load_preset(args.preset)
    if args.sentence is not None:
        session.set_sentence(args.sentence)
    if args.heads is not None:
        session.set_heads(args.heads)
    if args.lesson:
        from app.lessons import parse_lesson_arg

        name, step = parse_lesson_arg(args.lesson)
        lesson = {"name": name, "step": step}
    if session.error:
        raise ValueError(session.error)
    return session, lesson


def _start_lesson(runner, session, lesson) -> None:
    if lesson:
        runner.start(lesson["name"], lesson["step"])
    session.undo_stack.clear()  # the command line's set-up is the starting point, not an edit


def _run_headless(args) -> int:
    from PySide6.QtCore import QCoreApplication

    from app.export import export_snapshot
    from app.lessons import LessonRunner
    from app.selection import Selection

    _app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    session, lesson = _build_session(args)
    _start_lesson(LessonRunner(session, Selection(session)), session, lesson)
    path = export_snapshot(args.export, session.snapshot)
    print(f"Wrote {path} ({len(session.state.tokens)} tokens, {session.state.n_heads} heads).")
    return 0


def _run_gui(args) -> int:
    from PySide6.QtWidgets import QApplication

    from ui.i18n import install_translations
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("AttentionLab")
    app.setApplicationName("Attention Lab")
    install_translations(app, args.language)  # before any widget is built: they translate as made
    interactive = not args.screenshot
    # The window's shell (frame, menu bar, docks) needs neither numpy nor pyqtgraph; a
    # plain start shows it first and makes the session after its first paint, which
    # halves the wait. What can fail on bad input (a file, a preset, a lesson, a
    # sentence) or needs the finished window is set up before the window shows.
    staged = interactive and not (
        args.session
        or args.preset
        or args.lesson
        or args.sentence is not None
        or args.export
        or args.presentation
    )
    window = MainWindow(remember_layout=interactive, autosave=interactive)
    window.apply_preferences()
    if staged:
        window.sigFirstPainted.connect(lambda: _attach_session(args, window, interactive))
        window.show()
    else:
        session = _attach_session(args, window, interactive)
        if args.screenshot:
            status = _screenshot(app, window, args.screenshot, presentation=args.presentation)
            _dispose(window)
            return status
        window.show()
        if args.presentation:
            window.set_presentation(True)
        if args.export:
            from app.export import export_snapshot

            export_snapshot(args.export, session.snapshot)
    if args.quit_after_first_paint:
        from ui.first_paint import quit_after_first_paint

        quit_after_first_paint(app, window, STARTED)
    status = app.exec()
    _dispose(window)
    return status


def _dispose(window) -> None:
    """Delete the window while Python still runs, then let a running compile end.

    Left to the interpreter's exit, PySide deletes the widgets after Python has begun
    finalising; a pyqtgraph item's Python override then runs (a resize during the
    teardown, seen after ``--presentation --screenshot``) and the process crashed with
    exit code 139 about half the time.
    """
    import shiboken6

    if shiboken6.isValid(window):
        if window.isVisible():  # (closed already when the last window closing ended exec())
            window.close()
        shiboken6.delete(window)
    _finish_warmup()


def _finish_warmup() -> None:
    """Let a kernel compile still running end before Python exits (the window is gone).

    Python finalising while the warm-up thread is inside LLVM can crash the process;
    waiting costs at most the rest of one compile, only when closing within the first
    seconds of a cold start.
    """
    backend = sys.modules.get("engine.backend")  # never imported: nothing to wait for
    if backend is not None:
        backend.join_warmup()


def _attach_session(args, window, interactive: bool):
    """Make the session the command line asks for and give it to the window."""
    session, lesson = _build_session(args, backend="auto" if args.no_warmup else "numpy")
    window.attach(session)
    if not args.threads:
        from engine.config import CONFIG

        # As ui.preferences_dialog.apply_engine_threads, which would import the plots now.
        CONFIG.threads = window.prefs.threads or None
    if not args.no_warmup and interactive:  # a screenshot is made by the NumPy twin
        _warm_up_after_first_paint(window, session)
    recovered = (
        interactive and not (args.session or args.preset or args.lesson) and window.files.offer_recovery()
    )
    if not recovered:
        _start_lesson(window.lessons, session, lesson)
    if args.session:
        window.files.path = Path(args.session)
    if interactive:
        window.files.start_autosave()
    return session


def _warm_up_after_first_paint(window, session) -> None:
    """Start compiling (or loading) the kernels once the window has painted.

    The NumPy twin computes until they are ready. Not before the first paint: sharing
    Python's GIL with the warm-up made the window appear ~1.5 s later. Not after the
    views are built either: a view that calls the engine (One head vs many does) before
    any warm-up has started would compile the kernels itself, freezing the window
    (~25 s with a cold cache).
    """
    from PySide6.QtCore import QTimer

    from engine import backend

    started = []

    def start() -> None:
        if not started:
            started.append(True)
            backend.start_warmup()
            session.backend = "auto"  # kernels once ready, the twin meanwhile
            window.engine_started()

    if window.painted:  # a staged start attaches the session after the first paint
        start()
        return
    window.sigFirstPainted.connect(start)
    QTimer.singleShot(3000, window, start)  # a window that never paints (minimised) still warms up


def _screenshot(app, window, path: str, presentation: bool = False) -> int:
    """Render offscreen: 1600x1000, or the classroom's 1920x1080 in presentation mode."""
    window.resize(*((1920, 1080) if presentation else (1600, 1000)))
    window.attention_view  # noqa: B018 - laid out with the heatmap from the start, as always
    window.show()
    if presentation:
        window.presentation.set_active(True, full_screen=False)
    window.build_views()  # at once, not a turn of the event loop each
    for _ in range(5):  # let layouts settle and pyqtgraph draw its axes
        app.processEvents()
    if not window.grab().save(path):
        print(f"Could not write the screenshot to {path}.", file=sys.stderr)
        return 1
    print(f"Wrote {path}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    from app.cli import parse_args

    args = parse_args(argv)
    _prepare_environment(args)
    try:
        if args.self_test:
            from ui.selftest import main as self_test

            return self_test()
        if args.headless:
            return _run_headless(args)
        return _run_gui(args)
    except (ValueError, OSError) as exc:
        print(f"attention-lab: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
