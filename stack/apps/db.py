"""Database engine and sessions (SQLite file by default); the schema is created at start."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from stack.apps.models import Base


def create_database(url: str) -> sessionmaker[Session]:
    """Opens (and for SQLite, creates the folder of) the database and makes sure the tables exist."""
    parsed = make_url(url)
    connect_args: dict[str, object] = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # requests run on the event loop and in threadpool workers alike
        connect_args["check_same_thread"] = False
    engine = create_engine(url, connect_args=connect_args)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    Base.metadata.create_all(engine)
    _add_missing_columns(engine)
    return sessionmaker(engine, expire_on_commit=False)


def _add_missing_columns(engine: Engine) -> None:
    """Adds the columns a newer version of a table has to a database made by an older one (the stack keeps its
    database across restarts); only nullable columns or columns with a server default are ever added."""
    existing = inspect(engine)
    with engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            present = {column["name"] for column in existing.get_columns(table.name)}
            for column in table.columns:
                if column.name in present:
                    continue
                kind = column.type.compile(dialect=engine.dialect)
                default = f" DEFAULT {column.server_default.arg.text}" if column.server_default is not None else ""
                connection.execute(text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}{default}'))


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    # overwrite deleted rows so removed session data does not linger in the file
    cursor.execute("PRAGMA secure_delete = ON")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.close()


def dispose(factory: sessionmaker[Session]) -> None:
    engine = factory.kw["bind"]
    if isinstance(engine, Engine):
        engine.dispose()
