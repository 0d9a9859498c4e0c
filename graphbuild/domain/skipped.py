"""A skipped input: a source, or one record of it, that gives no article (or gives it repaired), with where and why."""

from __future__ import annotations


class SkippedInput(Exception):
    """One input (or one record of it) that could not be turned into an article.

    Raised where reading a source has to stop (graphbuild.read.textio), and yielded in the article
    stream in place of what could not be read (graphbuild.read.articles), so one bad input never
    stops the rest; a build lists them in report.json and on stderr.  ``str()`` is
    ``"SOURCE[:LINE]: what is wrong; what to do"``, ready to print.  ``severity`` is ``"warning"``
    for inputs that are merely empty, ``"repaired"`` for one that was read all the same after a
    repair the message names (a byte replaced, an id made unique), ``"error"`` otherwise.
    """

    def __init__(self, source: str, line: int | None, message: str, severity: str = "error") -> None:
        super().__init__(source, line, message, severity)  # the args are what pickle rebuilds it from
        self.source = source
        self.line = line
        self.message = message
        self.severity = severity

    @property
    def verb(self) -> str:
        """What became of the input, for a message: ``"repaired"`` (it was read) or ``"skipped"``."""
        return "repaired" if self.severity == "repaired" else "skipped"

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.message}"

    def __repr__(self) -> str:
        return f"SkippedInput({self.source!r}, {self.line!r}, {self.message!r}, {self.severity!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SkippedInput) and self.args == other.args

    def __hash__(self) -> int:
        return hash(self.args)
