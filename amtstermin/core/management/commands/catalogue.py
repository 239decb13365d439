"""`manage.py catalogue export FILE|-` and `manage.py catalogue import FILE|- [--dry-run]`.

Moves a town's catalogue (departments, services, documents, offers) from a test system to
production or from one town to the next as one JSON file; the format: docs/catalogue.md.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from amtstermin.core import catalogue_transfer
from amtstermin.core.catalogue_transfer import CatalogueError, Report, Tally


class Command(BaseCommand):
    help = "Export the service catalogue as a JSON file, or import one (see docs/catalogue.md)."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        exporting = actions.add_parser("export", help="Write the catalogue to FILE (- for stdout).")
        exporting.add_argument("file")
        importing = actions.add_parser(
            "import", help="Create and update the catalogue from FILE (- for stdin)."
        )
        importing.add_argument("file")
        importing.add_argument(
            "--dry-run", action="store_true", help="Show what would change; write nothing."
        )

    def handle(self, *args, action: str, file: str, dry_run: bool = False, **options) -> None:
        try:
            if action == "export":
                self.export(file)
            else:
                self.show(catalogue_transfer.import_catalogue(self.read(file), dry_run=dry_run))
        except CatalogueError as error:
            heading = (
                _("The catalogue cannot be exported:")
                if action == "export"
                else _("Nothing was written. The catalogue has these problems:")
            )
            raise CommandError(
                heading + "".join(f"\n  {problem}" for problem in error.problems)
            ) from None

    def export(self, file: str) -> None:
        text = json.dumps(catalogue_transfer.export(), ensure_ascii=False, indent=2) + "\n"
        if file == "-":
            self.stdout.write(text, ending="")
            return
        try:
            with open(file, "w", encoding="utf-8") as target:
                target.write(text)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": file, "error": error.strerror}
            ) from None

    def read(self, file: str) -> catalogue_transfer.Catalogue:
        limit = catalogue_transfer.MAX_BYTES + 1  # one byte more tells "too large"
        try:
            if file == "-":
                raw = sys.stdin.buffer.read(limit)
            else:
                with open(file, "rb") as source:
                    raw = source.read(limit)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}
            ) from None
        return catalogue_transfer.read(raw)

    def show(self, report: Report) -> None:
        for title, tally in (
            (_("Departments"), report.departments),
            (_("Documents"), report.documents),
            (_("Services"), report.services),
        ):
            self.tally(title, tally)
        kept = [
            (_("Departments"), report.not_in_file["departments"]),
            (_("Documents"), report.not_in_file["documents"]),
            (_("Services"), report.not_in_file["services"]),
        ]
        if any(keys for _title, keys in kept):
            self.stdout.write(_("In this database but not in the file (kept):"))
            for title, keys in kept:
                if keys:
                    self.stdout.write(f"  {title}: {', '.join(keys)}")
        if report.skipped_offers:
            self.stdout.write(_("Offers at locations this database does not have (skipped):"))
            for service, location in report.skipped_offers:
                self.stdout.write(f"  {service} → {location}")
        if report.other_locations:
            self.stdout.write(
                _("Locations the file does not name (their offers are kept): %(slugs)s")
                % {"slugs": ", ".join(report.other_locations)}
            )
        if not report.written:
            self.stdout.write(_("Dry run: nothing was written."))
        elif report.changes:
            self.stdout.write(_("The catalogue was imported."))
        else:
            self.stdout.write(_("The catalogue was already up to date; nothing was written."))

    def tally(self, title: str, tally: Tally) -> None:
        self.stdout.write(
            _("%(title)s: %(created)d new, %(changed)d changed, %(unchanged)d unchanged")
            % {
                "title": title,
                "created": len(tally.created),
                "changed": len(tally.changed),
                "unchanged": tally.unchanged,
            }
        )
        for key in tally.created:
            self.stdout.write("  + " + key)
        for key, fields in tally.changed:
            self.stdout.write(f"  ~ {key}: {', '.join(fields)}")
