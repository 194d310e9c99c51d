"""Where the database is, how to open it, and how to bring its schema up to date."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")


class StorageError(RuntimeError):
    """The database cannot be opened or used; the message says which and why."""


class NoDatabase(StorageError):
    """The SQLite file is not there, and the caller asked not to create it."""


def home() -> Path:
    """The folder holding the default database, the WARC archive and the reports
    (``CLINIC_AUDIT_HOME``, default ``var/``: :class:`config.Settings`)."""
    # config is imported here, not at the top: every crawler process imports this module and
    # is handed its paths, and pydantic costs it a quarter of a second at start-up.
    import config

    return config.settings().home


def archive_root() -> Path:
    """The WARC archive folder (``warc/`` in :func:`home`): every record location and
    screenshot file is relative to it."""
    import config

    return config.settings().archive_root


def database_url() -> str:
    """``CLINIC_AUDIT_DB_URL`` if set, else a SQLite file ``clinic-audit.db`` in :func:`home`."""
    import config

    return config.settings().database_url


def shown_database_url() -> str:
    """:func:`database_url` as a message shows it: with its password hidden (``***``)."""
    return _describe(database_url())


def _describe(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def connect(url: str | None = None, *, create: bool = True) -> Engine:
    """Open the database at ``url`` (default :func:`database_url`) and check it answers.

    A SQLite file that is not there is created with its folder, unless ``create`` is false:
    a command that only reads must not leave an empty database behind.

    Raises:
        NoDatabase: without ``create``, the SQLite file does not exist.
        StorageError: the URL is malformed, the server is unreachable or the file is not a
            database. The message names the URL (password hidden) and the cause.
    """
    url = url or database_url()
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StorageError(f"not a database URL: {url!r} ({exc})") from exc
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        if not create and not Path(parsed.database).exists():
            raise NoDatabase(f"no database at {_describe(url)}")
        folder = Path(parsed.database).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                f"cannot open database {_describe(url)}: cannot create {folder}: {exc.strerror}"
            ) from exc
    try:
        engine = create_engine(parsed, pool_pre_ping=True)
    except Exception as exc:  # a missing driver, a bad option: all mean "cannot open"
        raise StorageError(f"cannot open database {_describe(url)}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        with engine.connect() as conn:
            inspect(conn).get_table_names()
    except (OperationalError, DatabaseError) as exc:
        engine.dispose()
        cause = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StorageError(f"cannot open database {_describe(url)}: {cause}") from exc
    return engine


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    # WAL lets the report read while a crawl writes; the busy timeout turns a brief lock
    # held by the crawler process into a wait instead of an error.
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the Alembic migrations up to ``revision`` (idempotent)."""
    # Alembic is imported here, not at the top: every crawler process imports this module
    # and never migrates, and Alembic costs it a third of a second at start-up.
    from alembic import command
    from alembic.config import Config

    migrations = Config()
    migrations.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        migrations.attributes["connection"] = conn
        command.upgrade(migrations, revision)


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or None for an empty database."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def sessions(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def database_bytes(engine: Engine) -> int:
    """How much room the database takes: the SQLite file with its write-ahead log, or what
    PostgreSQL reports for the database."""
    if engine.dialect.name == "sqlite":
        path = Path(str(engine.url.database))
        wal = path.with_name(path.name + "-wal")
        return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one())


def empty_schema(engine: Engine) -> None:
    """Drop every table, view and row of a PostgreSQL database (a benchmark's shared one)."""
    if engine.dialect.name != "postgresql":
        raise StorageError(f"empty_schema empties a PostgreSQL database, not {engine.dialect.name}")
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
