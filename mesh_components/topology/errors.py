"""Problems found in a topology file, and the one error type that carries all of them.

A problem is located in two ways: by its path inside the document (`colors.blue.backends[0]`),
which every check knows, and by file, line and column, which only the YAML reader knows. Checks
create problems with a document path; the loader adds the file position from the source map.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Literal, Sequence, Union

DocPath = tuple[Union[str, int], ...]
Severity = Literal["error", "warning"]

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


def format_doc_path(path: DocPath) -> str:
    """`('colors', 'blue', 'backends', 0)` -> `colors.blue.backends[0]`; odd keys are quoted."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(part):
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(part)}]"
    return text


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or suspicious, for a warning) with a topology file."""

    message: str
    path: DocPath = ()
    severity: Severity = "error"
    file: str | None = None
    line: int | None = None  # 1-based
    col: int | None = None  # 1-based
    on_key: bool = False  # located at the key naming `path` rather than at its value

    def at(self, file: str, line: int | None, col: int | None) -> "Problem":
        return replace(self, file=file, line=line, col=col)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        where = ":".join(str(part) for part in (self.file, self.line, self.col) if part is not None)
        parts = [where] if where else []
        if self.severity == "warning":
            parts.append("warning")
        if self.path:
            parts.append(format_doc_path(self.path))
        parts.append(self.message)
        return ": ".join(parts)


def sort_key(problem: Problem) -> tuple:
    return (problem.line or 0, problem.col or 0, problem.message)


class TopologyError(Exception):
    """Every problem that keeps a topology file from loading (warnings found on the way included).

    `unreadable` is true when the file itself could not be read (missing, a directory, no
    permission): callers that distinguish "bad input" from "bad arguments" use it.
    """

    def __init__(self, problems: Sequence[Problem], *, unreadable: bool = False) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.unreadable = unreadable
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(problem for problem in self.problems if problem.is_error)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(problem for problem in self.problems if not problem.is_error)
