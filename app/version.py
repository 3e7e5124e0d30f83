"""The version shown in the About box; a test keeps it equal to pyproject.toml's."""

__version__ = "0.1.0"
