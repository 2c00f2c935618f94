"""What the store commands do, once parsed: open the database, migrate it, and act. One-line errors on stderr.

Apart from cli.store_commands (the parser) because it imports SQLAlchemy, Alembic, argon2 and the FHIR models:
seconds that `formcheck score` and every other command would pay at start-up for nothing.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from store import fhir, repo, rtm
from store.auth import AccountError, Actor, create_user, link
from store.db import database_url, make_engine, redact, session_factory, upgrade
from store.models import Role, User

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


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


def run(args: argparse.Namespace) -> int:
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
