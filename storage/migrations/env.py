"""Alembic environment: run against the connection storage.database.upgrade hands over."""

from alembic import context
from sqlalchemy import create_engine

from storage.tables import Base

config = context.config
connection = config.attributes.get("connection")

if connection is None:  # plain `alembic` command line: use sqlalchemy.url from the config
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
