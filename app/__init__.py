"""Attention Lab without widgets: session state, commands, scheduling.

May import the engine and QtCore (plus QUndoStack/QUndoCommand from QtGui), never
QtWidgets or pyqtgraph, so everything here is testable without a screen.
"""
