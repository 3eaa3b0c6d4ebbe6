"""``bonemdt`` command line: init, demo, backup, restore, users.

Every command takes ``--db PATH`` (default: the app's store), prints a clear message, exits
non-zero on any error, and changes nothing when it fails. It works on a store that no server
holds (DuckDB lets one process open the file). ``--db postgresql://…`` names a PostgreSQL store
(init, demo, users, backup and restore through pg_dump: db/backup_pg.py); ``move-store`` copies
a store file into an empty PostgreSQL database.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb

from core.errors import BoneMDTError
from core.models import SYSTEM_ACTOR, AppUser, Role, Specialty
from db import backup as backups
from db import dialect, users
from db.connection import connect, store_target
from db.keys import SecretError
from db.migrate import MigrationError, migrate
from db.store import SettingsError, is_empty


class CliError(Exception):
    """A failure to report in one line and exit 1."""


def _open(path: Path | str, *, must_exist: bool = True) -> duckdb.DuckDBPyConnection:
    if isinstance(path, str) or dialect.is_postgres(str(path)):
        try:
            return connect(str(path))
        except duckdb.Error as exc:
            raise CliError(f"cannot connect to the PostgreSQL store: {exc}") from exc
    if must_exist and not path.exists():
        raise CliError(f"no store at {path}; create it with: bonemdt init --db {path}")
    if path.exists() and path.is_dir():
        raise CliError(f"{path} is a directory, not a store file")
    try:
        return connect(path)
    except duckdb.IOException as exc:
        raise CliError(f"cannot open {path}: it is in use by another process (stop the server) or unreadable") from exc
    except duckdb.Error as exc:
        raise CliError(f"cannot open {path}: not a BoneMDT store") from exc


def cmd_init(args: argparse.Namespace) -> str:
    path = store_target(args.db)
    if isinstance(path, Path) and path.parent and not path.parent.exists():
        try:
            path.parent.mkdir(parents=True)
        except OSError as exc:
            raise CliError(f"cannot create the folder {path.parent}: {exc.strerror}") from exc
    con = _open(path, must_exist=False)
    try:
        applied = migrate(con)
    finally:
        con.close()
    return f"store ready at {path} (migrations applied now: {applied or 'none, already current'})"


def cmd_demo(args: argparse.Namespace) -> str:
    from db.demo import load_demo

    path = store_target(args.db)
    con = _open(path, must_exist=False)
    try:
        migrate(con)
        if not is_empty(con):
            raise CliError(f"{path} already holds patients; demo data goes into an empty store only")
        users.ensure_demo_users(con)
        summary = load_demo(con)
    finally:
        con.close()
    return f"demo data loaded into {path}: {summary}"


def cmd_move_store(args: argparse.Namespace) -> str:
    from db import dialect
    from db.move import MoveError, move_store

    if not dialect.is_postgres(args.to):
        raise CliError("--to takes a PostgreSQL URL: postgresql://user@host:port/database")
    src = _open(Path(args.db))
    if isinstance(src, dialect.PgConnection):
        src.close()
        raise CliError("--db names the DuckDB store file to move")
    try:
        try:
            dst = dialect.connect(args.to)
        except duckdb.Error as exc:
            raise CliError(f"cannot connect to the PostgreSQL database: {exc}") from exc
        try:
            report = move_store(src, dst)
        except MoveError as exc:
            raise CliError(str(exc)) from exc
        finally:
            dst.close()
    finally:
        src.close()
    return (
        f"store {args.db} moved to PostgreSQL: {len(report.tables)} tables, {report.rows} rows, "
        f"audit chain of {report.audit_rows} rows verified, {report.signed_decisions} signed decisions intact"
    )


def cmd_backup(args: argparse.Namespace) -> str:
    con = _open(store_target(args.db))
    try:
        info = backups.backup(con, SYSTEM_ACTOR, args.dir)  # either engine (db/backup.py)
    finally:
        con.close()
    total = sum(info.tables.values())
    return f"backup written to {info.directory} ({len(info.tables)} tables, {total} rows)"


def cmd_restore(args: argparse.Namespace) -> str:
    if dialect.is_postgres(args.db):
        from db import backup_pg

        con = dialect.connect(args.db)
        try:
            done = backup_pg.restore(args.dir, con, actor=SYSTEM_ACTOR)
        finally:
            con.close()
        return f"PostgreSQL store restored from {args.dir} ({sum(done.tables.values())} rows), verified"
    path = Path(args.db)
    if path.exists():
        # Fail early (and change nothing) if a server holds the store.
        _open(path).close()
    info = backups.restore(args.dir, path, actor=SYSTEM_ACTOR, accept_unauthenticated=args.accept_unauthenticated)
    return f"store {path} restored from {args.dir} ({sum(info.tables.values())} rows); the previous file was kept beside it"


def cmd_users(args: argparse.Namespace) -> str:
    con = _open(store_target(args.db))
    try:
        if args.users_cmd == "list":
            frame = users.list_users(con)
            return str(frame[["username", "display_name", "role", "specialty", "active"]].to_string(index=False))
        password = args.password or getpass.getpass("Password for the new user: ")
        user = AppUser(
            username=args.username,
            display_name=args.display_name,
            role=Role(args.role),
            specialty=Specialty(args.specialty) if args.specialty else None,
        )
        uid = users.create_user(con, SYSTEM_ACTOR, user, password)
        return f"user {args.username} created (id {uid}, role {args.role})"
    finally:
        con.close()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bonemdt", description="BoneMDT store administration")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=str(store_target()), help="store file or postgresql:// URL (default: %(default)s)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", parents=[common], help="create the store or apply pending migrations").set_defaults(func=cmd_init)
    sub.add_parser("demo", parents=[common], help="load the synthetic demo data into an empty store").set_defaults(func=cmd_demo)
    b = sub.add_parser("backup", parents=[common], help="write a verified backup into a new directory")
    b.add_argument("dir")
    b.set_defaults(func=cmd_backup)
    r = sub.add_parser("restore", parents=[common], help="replace the store with a backup (server stopped)")
    r.add_argument("dir")
    r.add_argument(
        "--accept-unauthenticated",
        action="store_true",
        help="restore a backup whose manifest is not signed with this store's secret (every other check still applies)",
    )
    r.set_defaults(func=cmd_restore)
    mv = sub.add_parser("move-store", parents=[common], help="copy this DuckDB store into an empty PostgreSQL database, verified")
    mv.add_argument("--to", required=True, metavar="postgresql://…", help="the empty target database")
    mv.set_defaults(func=cmd_move_store)
    u = sub.add_parser("users", parents=[common], help="list or add local users")
    usub = u.add_subparsers(dest="users_cmd", required=True)
    usub.add_parser("list", parents=[common])
    add = usub.add_parser("add", parents=[common])
    add.add_argument("username")
    add.add_argument("--display-name", required=True)
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--specialty", choices=[s.value for s in Specialty])
    add.add_argument("--password", help="omit to be prompted")
    u.set_defaults(func=cmd_users)
    from db.cli_interop import register as register_interop

    register_interop(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        message = args.func(args)
    except (CliError, backups.BackupError, MigrationError, BoneMDTError) as exc:
        print(f"bonemdt: error: {exc}", file=sys.stderr)
        return 1
    except (ValueError, SecretError, SettingsError) as exc:
        print(f"bonemdt: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bonemdt: interrupted; nothing was changed by the unfinished command", file=sys.stderr)
        return 130
    except Exception as exc:
        print(f"bonemdt: error: the command failed ({type(exc).__name__}); nothing was changed", file=sys.stderr)
        return 1
    print(message)
    return 0


if __name__ == "__main__":
    sys.exit(main())
