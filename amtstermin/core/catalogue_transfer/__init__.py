"""Move a town's catalogue between databases as one JSON file (docs/catalogue.md).

The catalogue is what staff enter in the admin before anyone books: departments, services with
every translated text, times, fees, modes, online form and LeiKa key, the documents to bring
with their quantity rules and order, and which locations offer which service. Locations
themselves (addresses, counters, rosters) stay in each database; the file names them by slug.

Rows are matched by a stable key: departments, services and locations by their slug, documents
by their German name (as the demo seed matches them). An import reads and checks the whole file
before it writes anything, then creates and updates in one transaction; it never deletes a row
missing from the file, it reports it. Rows are saved through the models, so core/signals.py
bumps the versions of the locations whose cached pages a change concerns.
"""

from .exporting import export
from .importing import Report, Tally, import_catalogue
from .reading import Catalogue, read
from .shape import FORMAT, MAX_BYTES, VERSION, CatalogueError

__all__ = [
    "FORMAT",
    "MAX_BYTES",
    "VERSION",
    "Catalogue",
    "CatalogueError",
    "Report",
    "Tally",
    "export",
    "import_catalogue",
    "read",
]
