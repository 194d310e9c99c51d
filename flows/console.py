"""Terminal output for the CLI: a rich progress display that stages report into."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from flows import progress

# soft_wrap: a message or a path stays on one line, whatever the terminal width.
console = Console(stderr=True, highlight=False, soft_wrap=True)


class RichReporter:
    """Shows one progress line per stage: a bar when the total is known, a count otherwise."""

    def __init__(self) -> None:
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description:<8}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("[dim]{task.fields[detail]}"),
            console=console,
            transient=False,
        )
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> RichReporter:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def start(self, stage: str, total: int | None) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(stage, total=total, detail="")
            return
        # A batched run starts each stage once per batch: one row per stage, totals add up.
        task = self.progress.tasks[self.tasks[stage]]
        more = None if total is None else (task.total or 0) + total
        self.progress.update(self.tasks[stage], total=more, detail="")

    def advance(self, stage: str, detail: str = "") -> None:
        self.progress.update(self.tasks[stage], advance=1, detail=detail)

    def note(self, message: str) -> None:
        self.progress.console.print(f"[yellow]{message}")

    def finish(self, stage: str) -> None:
        task = self.progress.tasks[self.tasks[stage]]
        self.progress.update(self.tasks[stage], total=task.completed, detail="done")


@contextmanager
def showing_progress() -> Iterator[None]:
    """The stages report into a live progress display while the block runs."""
    with RichReporter() as reporter:
        progress.use(reporter)
        try:
            yield
        finally:
            progress.use(progress.SilentReporter())
