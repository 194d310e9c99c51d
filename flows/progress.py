"""Progress reporting that stages call and the CLI displays.

Stages run inside Prefect tasks, whose parameters must stay small and serialisable, so the
display is not passed in: the CLI installs one for the process and stages look it up.
"""

from __future__ import annotations

from typing import Protocol


class Reporter(Protocol):
    def start(self, stage: str, total: int | None) -> None: ...
    def advance(self, stage: str, detail: str = "") -> None: ...
    def note(self, message: str) -> None: ...
    def finish(self, stage: str) -> None: ...


class SilentReporter:
    def start(self, stage: str, total: int | None) -> None:
        pass

    def advance(self, stage: str, detail: str = "") -> None:
        pass

    def note(self, message: str) -> None:
        pass

    def finish(self, stage: str) -> None:
        pass


_current: Reporter = SilentReporter()


def reporter() -> Reporter:
    return _current


def use(new: Reporter) -> None:
    global _current
    _current = new
