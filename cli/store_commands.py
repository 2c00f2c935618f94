"""Store administration and clinic exports. A thin shell over store.auth, store.db, store.fhir and store.rtm.

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
import getpass
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from store import fhir, repo, rtm
from store.auth import AccountError, Actor, create_user, link
from store.db import database_url, make_engine, redact, session_factory, upgrade
from store.models import Role, User

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
    fh.add_argument("--id-system", default=os.environ.get("FORMCHECK_FHIR_ID_SYSTEM", fhir.DEFAULT_ID_SYSTEM),
                    metavar="URI", help="the clinic's identifier system (default $FORMCHECK_FHIR_ID_SYSTEM or "
                    f"{fhir.DEFAULT_ID_SYSTEM})")
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


def _patient(db: Session, username: str) -> Actor:
    """The patient account named `username`, acting for itself: this shell is run by the clinic's administrator."""
    user = db.scalar(select(User).where(User.username == username))
    if user is None or user.role != Role.PATIENT:
        raise AccountError(f"no patient account {username!r}")
    return Actor.of(user)


def _clinic_id(db: Session, args: argparse.Namespace) -> int:
    if args.clinic_id is None and args.time_zone is None:
        raise AccountError("give --id, --time-zone or both")
    try:
        d = repo.set_patient_details_by_name(db, args.patient, clinic_patient_id=args.clinic_id,
                                             time_zone=args.time_zone)
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    print(f"{d.username!r}: clinic identifier {d.clinic_patient_id!r}, time zone {d.time_zone or 'UTC'}")
    return EXIT_OK


def _export(db: Session, args: argparse.Namespace) -> int:
    patient = _patient(db, args.patient)
    try:
        if args.export_command == "fhir":
            text = fhir.fhir_json(fhir.fhir_bundle(db, patient, patient.id, since=args.since,
                                                   id_system=args.id_system))
        else:
            # Imported here: the printable record draws with altair and pandas, a second of CPU that every other
            # formcheck command (a batch `score` among them) would pay at start-up.
            from feedback.rtm_printable import rtm_html

            report = rtm.rtm_report(db, patient, patient.id, args.period)
            text = rtm_html(report) if args.format == "html" else rtm.rtm_csv(report)
    except ValueError as exc:  # FhirExportError, or a period that does not exist yet
        raise AccountError(str(exc)) from None
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return EXIT_OK


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
            if args.command == "export":
                return _export(db, args)
            if args.user_command == "clinic-id":
                return _clinic_id(db, args)
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
