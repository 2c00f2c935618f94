"""Store administration and clinic exports: the parser. cli.store_actions runs the commands.

    python -m cli.store_commands user create --role therapist --username U [--password-stdin] [--db URL]
    python -m cli.store_commands user link --therapist U --patient U [--db URL]
    python -m cli.store_commands user clinic-id --patient U [--id ID] [--time-zone ZONE] [--db URL]
    python -m cli.store_commands db upgrade [--url URL]
    python -m cli.store_commands export fhir --patient U [--since DATE] [--id-system URI] [--out FILE] [--db URL]
    python -m cli.store_commands export rtm --patient U [--period N] [--format html|csv] [--out FILE] [--db URL]

The database is the one store.db.database_url picks: --db/--url, else $FORMCHECK_DATABASE_URL, else the SQLite file
in the data folder. Every command migrates it to the newest schema first.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from store.names import DEFAULT_ID_SYSTEM, Role

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
    ci = usub.add_parser("clinic-id", help="set a patient's clinic identifier (for FHIR) and time zone (for RTM)")
    ci.add_argument("--patient", required=True, metavar="USERNAME")
    ci.add_argument("--id", dest="clinic_id", metavar="ID", help="the identifier the clinic knows the patient by")
    ci.add_argument("--time-zone", metavar="ZONE", help="IANA time zone, e.g. America/Chicago")
    ci.add_argument("--db", help="database URL")
    ex = sub.add_parser("export", help="a patient's records for the clinic: FHIR, RTM")
    exsub = ex.add_subparsers(dest="export_command", required=True, parser_class=_Parser)
    fh = exsub.add_parser("fhir", help="a FHIR R4 Bundle of the patient's sets, one Observation per set")
    fh.add_argument("--patient", required=True, metavar="USERNAME")
    fh.add_argument("--since", type=_since, metavar="DATE", help="first day (UTC) or ISO date-time to include")
    fh.add_argument("--id-system", default=os.environ.get("FORMCHECK_FHIR_ID_SYSTEM", DEFAULT_ID_SYSTEM),
                    metavar="URI", help="the clinic's identifier system (default $FORMCHECK_FHIR_ID_SYSTEM or "
                    f"{DEFAULT_ID_SYSTEM})")
    fh.add_argument("--out", type=Path, help="write here instead of standard output")
    fh.add_argument("--db", help="database URL")
    rt = exsub.add_parser("rtm", help="the remote-monitoring record of one 30-day period (facts only)")
    rt.add_argument("--patient", required=True, metavar="USERNAME")
    rt.add_argument("--period", type=int, metavar="N", help="period number (1 = from the first monitored day; "
                    "default: the latest)")
    rt.add_argument("--format", choices=["html", "csv"], default="html")
    rt.add_argument("--out", type=Path, help="write here instead of standard output")
    rt.add_argument("--db", help="database URL")
    d = sub.add_parser("db", help="database: migrate to the newest schema")
    dsub = d.add_subparsers(dest="db_command", required=True, parser_class=_Parser)
    up = dsub.add_parser("upgrade", help="create or migrate the database to the newest schema")
    up.add_argument("--url", help="database URL")


def _since(text: str) -> datetime:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date such as 2026-11-01, got {text!r}") from None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def run_store_command(args: argparse.Namespace) -> int:
    """Run a parsed `user`, `export` or `db` command; returns the exit status. Errors are one line on stderr."""
    from cli.store_actions import run  # the database stack is imported only when a store command runs

    return run(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse `argv` (default sys.argv[1:]) and run."""
    p = _Parser(prog="formcheck", description="formcheck accounts and database.")
    add_store_commands(p.add_subparsers(dest="command", required=True, parser_class=_Parser))
    return run_store_command(p.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
