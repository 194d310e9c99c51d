"""What every verb group of ``clinic-audit`` shares: the common options, opening the database,
finding a run, checking a seed file and a rubric, and the one way to exit.

The exit rule: status 2 for bad input (an option, a file, a run or URL that is not there),
status 1 for a failure (a crawl that failed, evidence that changed, a browser that would not
start). Nothing here imports Prefect.
"""

from __future__ import annotations

import errno
import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from sqlalchemy import Engine

import config
import storage
from crawler import SeedFileError, read_seeds
from evidence.screenshots import ShotSettings
from flows.console import console
from vocabulary import MAX_DEPTH, MAX_PAGES_PER_SITE

if TYPE_CHECKING:
    from flows.stages import CrawlOptions

#: Exit statuses: bad input, and a failure of the work itself.
BAD_INPUT, FAILED = 2, 1

Fast = Annotated[
    bool, typer.Option("--fast", help="Turn politeness delays off (only for local test servers).")
]
RenderJs = Annotated[
    bool,
    typer.Option(
        "--render-js",
        help="Render every site's pages in the system Chromium "
        "(a seed file's render_js column asks it per site).",
    ),
]
MaxPages = Annotated[int, typer.Option(help="Pages fetched per site at most.")]
MaxDepth = Annotated[int, typer.Option(help="Link depth from the seed page at most.")]
Rubric = Annotated[str, typer.Option(help="Scoring rubric: seed, strict or a rubric YAML file.")]
SeedsFile = Annotated[
    Path, typer.Argument(help="CSV with a url column (name, country, kind optional).")
]
OptionalSeedsFile = Annotated[
    Path | None,
    typer.Argument(
        help="CSV with a url column (name, country, kind optional).", show_default=False
    ),
]
RunOption = Annotated[
    int | None, typer.Option("--run", help="Run id (default: the latest run).", show_default=False)
]
BatchSize = Annotated[int, typer.Option(help="Sites per crawl process and per Prefect task.")]
SHOT_DEFAULTS = ShotSettings()
ScreenshotBudget = Annotated[
    float,
    typer.Option(
        help="Seconds the screenshots of the cited pages may take (pages left over are "
        "recorded as skipped and shot next time); 0: take none.",
        min=0,
    ),
]


def fail(message: str, code: int = BAD_INPUT) -> typer.Exit:
    """Print ``message`` as an error; the exit to raise (``code``: :data:`BAD_INPUT` or
    :data:`FAILED`)."""
    console.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


def current_settings() -> config.Settings:
    """The configuration, or a clear exit naming the variable that holds a bad value."""
    try:
        return config.settings()
    except config.ValidationError as exc:
        problems = "; ".join(
            f"{config.PREFIX}{str(error['loc'][0]).upper()}: {error['msg']}"
            for error in exc.errors()
        )
        raise fail(f"bad configuration: {problems}") from None


def open_database(upgrade: bool = False) -> Engine:
    """The configured database, migrated if asked; a clear exit if it cannot be opened."""
    settings = current_settings()
    no_tables = (
        f"the database {storage.shown_database_url()} has no tables yet: "
        "run `clinic-audit db upgrade` or `clinic-audit run` first"
    )
    try:
        # A command that only reads creates no database: it would be an empty one.
        engine = storage.connect(settings.database_url, create=upgrade)
        if upgrade:
            storage.upgrade(engine)
        elif storage.current_revision(engine) is None:
            raise fail(no_tables)
    except storage.NoDatabase:
        raise fail(no_tables) from None
    except storage.StorageError as exc:
        hint = (
            ""
            if settings.db_url
            else f" (the default database in CLINIC_AUDIT_HOME, {settings.home})"
        )
        raise fail(f"{exc}{hint}") from None
    return engine


def resolve_run(engine: Engine, run_id: int | None) -> int:
    """``run_id`` checked, or the latest run; a clear exit if there is none."""
    from storage.queries import latest_run_id, run_info

    with storage.sessions(engine)() as session:
        if run_id is None:
            run_id = latest_run_id(session)
            if run_id is None:
                raise fail("the database holds no run yet: start one with `clinic-audit run`")
        elif run_info(session, run_id) is None:
            raise fail(f"no run {run_id} in {storage.shown_database_url()}")
    return run_id


def checked_seeds(seeds_file: Path) -> int:
    """Read the seed file, report skipped rows; exit 2 if nothing is left to crawl."""
    try:
        seeds, problems = read_seeds(seeds_file)
    except SeedFileError as exc:
        raise fail(str(exc)) from None
    for problem in problems:
        console.print(f"[yellow]skipped {seeds_file}:{problem.line}: {problem.reason}")
    if not seeds:
        raise fail(f"{seeds_file} has no usable seed row")
    return len(seeds)


def crawl_options(
    fast: bool, max_pages: int, max_depth: int, render_js: bool = False
) -> CrawlOptions:
    """The options of the command line, with the crawler's settings from the configuration."""
    from flows.stages import CrawlOptions

    settings = current_settings()
    return CrawlOptions(
        fast=fast,
        max_pages=max_pages,
        max_depth=max_depth,
        render_js=render_js,
        user_agent=settings.user_agent or None,
        allow_loopback=settings.allow_loopback,
        resolve=settings.resolve_rules,
    )


#: The crawl's options on the command line, in their order in ``--help``.
_CRAWL_PARAMETERS = tuple(
    inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind)
    for name, kind, default in (
        ("fast", Fast, False),
        ("max_pages", MaxPages, MAX_PAGES_PER_SITE),
        ("max_depth", MaxDepth, MAX_DEPTH),
        ("render_js", RenderJs, False),
    )
)

Command = Callable[..., None]


def takes_crawl_options(*, render_js: bool = True) -> Callable[[Command], Command]:
    """The crawl's options of a command, declared here once.

    The command takes a keyword parameter ``options`` (a :class:`flows.stages.CrawlOptions`);
    in the signature Typer reads, it becomes ``--fast``, ``--max-pages``, ``--max-depth`` and,
    with ``render_js``, ``--render-js``, at its place, and the command is called with the
    options built from them (:func:`crawl_options`).
    """
    chosen = _CRAWL_PARAMETERS if render_js else _CRAWL_PARAMETERS[:3]

    def decorate(command: Command) -> Command:
        # CrawlOptions is imported only when a command runs (flows.stages brings extraction
        # and scoring): the annotation of the parameter replaced here need not resolve.
        signature = inspect.signature(command, eval_str=True, locals={"CrawlOptions": None})
        parameters: list[inspect.Parameter] = []
        for parameter in signature.parameters.values():
            parameters += chosen if parameter.name == "options" else [parameter]

        @functools.wraps(command)
        def with_options(**given: Any) -> None:
            choices = {parameter.name: given.pop(parameter.name) for parameter in chosen}
            command(**given, options=crawl_options(**choices))

        # What Typer reads: inspect.signature() takes __signature__ as it is, and
        # typing.get_type_hints() would fail on the copied annotation of ``options``.
        with_options.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=parameters
        )
        with_options.__annotations__ = {p.name: p.annotation for p in parameters}
        return with_options

    return decorate


def use_prefect(*, quiet: bool = False) -> None:
    """Prefect's environment (:func:`flows.prefect_setup.prefect_environment`), before a
    command imports Prefect; a clear exit if its folder cannot be made."""
    from flows.prefect_setup import prefect_environment

    home = current_settings().home
    try:
        prefect_environment(quiet=quiet)
    except OSError as exc:
        raise fail(
            f"cannot create Prefect's folder in {home}: {exc.strerror}; "
            "set CLINIC_AUDIT_HOME to a folder you can write to"
        ) from None


def checked_rubric(rubric: str) -> str:
    """``rubric`` if it loads; exit 2 now, not after a crawl, if it does not."""
    from score import KnowledgeError, load_rubric

    try:
        load_rubric(rubric)
    except KnowledgeError as exc:
        raise fail(f"--rubric {rubric}: {exc}") from None
    return rubric


#: A path the user named that cannot be written is bad input; a full disk is a failure.
_BAD_PLACE = {errno.EACCES, errno.EPERM, errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EROFS}


@contextmanager
def writing_output() -> Iterator[None]:
    """Files are written inside the block: a clear exit instead of a traceback if they cannot."""
    try:
        yield
    except OSError as exc:
        code = BAD_INPUT if exc.errno in _BAD_PLACE else FAILED
        raise fail(f"cannot write {exc.filename or 'the output'}: {exc.strerror}", code) from None
