"""Member lists in and out as CSV or XLSX. An import is all or nothing: every row is
checked first (files: reading with bounded work; rows: the rules and rights of the
pages), then written through the services. Exports write the columns it reads back."""

from members.imports.exports import export_csv, export_xlsx
from members.imports.files import MAX_ROWS, ImportRefused, read_table
from members.imports.rows import HEADERS, ImportResult, RowError
from members.imports.writing import import_members

__all__ = [
    "HEADERS",
    "MAX_ROWS",
    "ImportRefused",
    "ImportResult",
    "RowError",
    "export_csv",
    "export_xlsx",
    "import_members",
    "read_table",
]
