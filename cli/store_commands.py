"""Store administration: `user create`, `user link`, `db upgrade`. A thin shell over store.auth and store.db.

    python -m cli.store_commands user create --role therapist --username U [--password-stdin] [--db URL]
    python -m cli.store_commands user link --therapist U --patient U [--db URL]
    python -m cli.store_commands db upgrade [--url URL]

The database is the one store.db.database_url picks: --db/--url, else $FORMCHECK_DATABASE_URL, else the SQLite file
in the data folder. Every command migrates it to the newest schema first.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError

from store.auth import AccountError, create_user, link
from store.db import database_url, make_engine, redact, session_factory, upgrade
from store.models import Role

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like the formcheck CLI
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def add_store_commands(sub: argparse._SubParsersAction) -> None:
    """Add the `user` and `db` commands to a subparsers object (used here and by the formcheck CLI)."""
    u = sub.add_parser("user", help="accounts: create, link a patient to a therapist")
    usub = u.add_subparsers(dest="user_command", required=True, parser_class=_Parser)
    c = usub.add_parser("create", help="create an account (the first one is made here)")
    c.add_argument("--role", required=True, choices=[r.value for r in Role])
    c.add_argument("--username", required=True)
    c.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of standard input instead of prompting")
    c.add_argument("--db", help="database URL (default $FORMCHECK_DATABASE_URL or the local SQLite file)")
    ln = usub.add_parser("link", help="make a therapist the patient's therapist")
    ln.add_argument("--therapist", required=True, metavar="USERNAME")
    ln.add_argument("--patient", required=True, metavar="USERNAME")
    ln.add_argument("--db", help="database URL")
    d = sub.add_parser("db", help="database: migrate to the newest schema")
    dsub = d.add_subparsers(dest="db_command", required=True, parser_class=_Parser)
    up = dsub.add_parser("upgrade", help="create or migrate the database to the newest schema")
    up.add_argument("--url", help="database URL")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")  # never echoed
    if getpass.getpass("Repeat password: ") != first:
        raise AccountError("the passwords differ")
    return first


def run_store_command(args: argparse.Namespace) -> int:
    """Run a parsed `user` or `db` command; returns the exit status. Errors are one line on stderr."""
    try:
        url = database_url(getattr(args, "db", None) or getattr(args, "url", None))
        engine = make_engine(url)
    except (SQLAlchemyError, ValueError) as exc:  # an unparsable URL, an unknown driver, a port that is no number
        print(f"formcheck: bad database URL: {redact(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)}",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        upgrade(engine)
        if args.command == "db":
            print(f"database at {redact(url)} is at the newest schema")
            return EXIT_OK
        with session_factory(engine)() as db:
            if args.user_command == "create":
                actor = create_user(db, args.username, _read_password(args.password_stdin), args.role)
                print(f"created {actor.role.value} {actor.username!r}")
            else:
                link(db, args.therapist, args.patient)
                print(f"{args.patient!r} is now a patient of {args.therapist!r}")
        return EXIT_OK
    except AccountError as exc:
        print(f"formcheck: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except SQLAlchemyError as exc:
        print(f"formcheck: database error: {redact(str(exc).splitlines()[0])}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse `argv` (default sys.argv[1:]) and run."""
    p = _Parser(prog="formcheck", description="formcheck accounts and database.")
    add_store_commands(p.add_subparsers(dest="command", required=True, parser_class=_Parser))
    return run_store_command(p.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
