"""The audit's configuration: every ``CLINIC_AUDIT_*`` variable, read in one place.

This is the bottom floor: it imports no other package of the project, so ``storage/``,
``crawler/``, ``score/`` and ``flows/`` can all read it without importing one another. Every
path derives from :attr:`Settings.home`, whatever the working directory holds.

The environment is read when :func:`settings` is called, not at import, and nothing here
changes the environment or the file system. The README's configuration table is generated
from the field descriptions (:func:`markdown_table`).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, PositiveInt, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = [
    "PREFIX",
    "Settings",
    "ValidationError",
    "markdown_table",
    "realworld_corpora",
    "settings",
]

PREFIX = "CLINIC_AUDIT_"
#: Crawl processes at once by default: polite crawls spend their time waiting out delays.
POLITE_CRAWLS_AT_ONCE = 2
#: ... and with politeness off (``--fast``), when a crawl is CPU-bound: one. Measured at
#: 1,000 sites on two cores: 271 s and 1,298 MB peak against 310 s and 1,533 MB with two.
FAST_CRAWLS_AT_ONCE = 1


class Settings(BaseSettings):
    """The ``CLINIC_AUDIT_*`` environment variables, typed, with their defaults."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, frozen=True, extra="ignore")

    home: Path = Field(
        default=Path("var"),
        description="folder for the default database, the WARC archive, reports, exports and "
        "Prefect's state (`HOME/prefect`, made only by commands that run Prefect)",
    )
    db_url: str | None = Field(
        default=None,
        description="any SQLAlchemy URL; SQLite and PostgreSQL (`postgresql+psycopg://...`) are "
        "supported",
        json_schema_extra={"shown_default": "`sqlite:///HOME/clinic-audit.db`"},
    )
    allow_loopback: bool = Field(
        default=False,
        description="`1` lets the crawler reach 127.0.0.0/8 and ::1 (the demo and the tests set "
        "it themselves)",
    )
    resolve: str = Field(
        default="",
        description="static host rules for the crawler, comma-separated, e.g. `*.test=127.0.0.1`",
    )
    user_agent: str | None = Field(
        default=None,
        description="the crawler's User-Agent, e.g. with a study's contact address",
        json_schema_extra={"shown_default": "the project's own, with its URL"},
    )
    crawl_concurrency: PositiveInt | None = Field(
        default=None,
        description="crawls one flow run (one worker) runs at once; polite crawls wait on "
        "delays and overlap well, a `--fast` crawl keeps a core busy on its own and a second "
        "one only competes with extraction",
        json_schema_extra={
            "shown_default": f"`{POLITE_CRAWLS_AT_ONCE}`, `{FAST_CRAWLS_AT_ONCE}` with `--fast`"
        },
    )
    extract_workers: int | None = Field(
        default=None,
        ge=0,
        description="processes that extract a run's pages beside its crawl; `0` extracts in the "
        "flow's own process",
        json_schema_extra={"shown_default": "one per core this process may use"},
    )
    shared_corpus: Path | None = Field(
        default=None,
        description="the shared real-world corpus `score.evaluation` reads labelled pages from",
        json_schema_extra={"shown_default": "`../shared/corpus/realworld` beside the checkout"},
    )
    require_services: bool = Field(
        default=False,
        description="`1` makes a test whose service (PostgreSQL, MariaDB, Chromium) is missing "
        "fail instead of skip (CI sets it)",
    )
    test_pg: str = Field(
        default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
        description="the PostgreSQL server on which each test makes, then drops, a schema of "
        "its own",
    )

    @property
    def database_url(self) -> str:
        """:attr:`db_url` if set, else the SQLite file ``clinic-audit.db`` in :attr:`home`."""
        return self.db_url or f"sqlite:///{self.home / 'clinic-audit.db'}"

    @property
    def archive_root(self) -> Path:
        """The WARC archive (``warc/``): every record location and screenshot is relative to it."""
        return self.home / "warc"

    @property
    def prefect_home(self) -> Path:
        """Prefect's own state (its temporary server's database), beside ours, not in ``~/``."""
        return self.home / "prefect"

    def crawls_at_once(self, fast: bool) -> int:
        """:attr:`crawl_concurrency` if set, else the default for a fast or a polite crawl."""
        if self.crawl_concurrency is not None:
            return self.crawl_concurrency
        return FAST_CRAWLS_AT_ONCE if fast else POLITE_CRAWLS_AT_ONCE

    @property
    def resolve_rules(self) -> tuple[str, ...]:
        """:attr:`resolve` split into its rules."""
        return tuple(rule.strip() for rule in self.resolve.split(",") if rule.strip())


def settings() -> Settings:
    """The configuration as the environment holds it now.

    Raises:
        ValidationError: a variable holds a value of the wrong kind (the CLI says which).
    """
    return Settings()


def markdown_table() -> str:
    """The README's configuration table: one row per field, from its description."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if "shown_default" in extra:
            default = str(extra["shown_default"])
        elif field.default in (None, "", False):
            default = "unset"
        else:
            default = f"`{field.default}`"
        rows.append(f"| `{PREFIX}{name.upper()}` | {default} | {field.description} |")
    return "\n".join(rows) + "\n"


def realworld_corpora(checkout: Path) -> dict[str, Path]:
    """``{"shared": ..., "own": ...}`` for the repository at ``checkout`` (present or not).

    The shared set is read in place, never copied into the repository;
    ``CLINIC_AUDIT_SHARED_CORPUS`` moves it.
    """
    shared = settings().shared_corpus or checkout.parent / "shared" / "corpus" / "realworld"
    return {"shared": shared, "own": checkout / "tests" / "extract" / "realworld"}
