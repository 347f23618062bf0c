"""The qualification matrix as a file: header and row texts shared by the CSV (streamed by the
view) and the XLSX workbook (written by a Celery task). Pure: reads the matrix it is given,
knows nothing of requests, and writes no model."""

from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _


def export_filename(unit, extension: str) -> str:
    """ "qualifikationen-bundesstadt-bonn-2026-12-03.xlsx": the unit's name and today's date."""
    from django.utils import timezone
    from django.utils.text import slugify

    name = slugify(unit.name.replace("ß", "ss")) or "einheit"
    return f"qualifikationen-{name}-{timezone.localdate():%Y-%m-%d}.{extension}"


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise_formula(value) -> str:
    """Spreadsheet programs run cells starting with = + - @ (or tab/CR) as formulas; prefix
    them with an apostrophe so an exported name can never become a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def matrix_headers(matrix) -> list[str]:
    """German (active language) column headers: the person, then per course its status, valid
    until, due date and progress, each in a column of its own (so a spreadsheet can sort and
    filter by date)."""
    headers = [_("Name"), _("E-mail address"), _("Units"), _("Job profiles")]
    for course in matrix.columns:
        headers += [
            _("%(course)s: status") % {"course": course.title},
            _("%(course)s: valid until") % {"course": course.title},
            _("%(course)s: due date") % {"course": course.title},
            _("%(course)s: progress (%%)") % {"course": course.title},
        ]
    return headers


def person_columns(row) -> list[str]:
    """The four columns describing the person of one matrix row."""
    return [row.user.full_name, row.user.email, ", ".join(row.units), ", ".join(row.job_profiles)]


def cell_values(cell) -> list:
    """A cell's four columns: status text, valid until, due date (dates), progress (number)."""
    percent = cell.percent if cell.status in ("in_progress", "overdue") else None
    return [cell.label, cell.valid_until, cell.due_date, percent]


def csv_value(value) -> str:
    """CSV text: dates as the German date, formulas neutralised."""
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return neutralise_formula(value)


def matrix_xlsx_write(
    matrix,
    rows: Iterable,
    handle,
    *,
    progress: Callable[[int], None] | None = None,
    every: int = 500,
) -> int:
    """Write the matrix header and ``rows`` (``matrix_rows(matrix)``) as an XLSX workbook into
    the binary file ``handle``; returns the number of rows. openpyxl's write-only mode keeps
    memory flat. Texts are stored as string cells (never parsed as a formula, so they need no
    apostrophe and show exactly as written), dates as date cells (DD.MM.YYYY), progress as
    numbers. ``progress(count)`` is called every ``every`` rows (the caller records the end)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Qualifications")[:31])

    def typed_row(values):
        cells = []
        for value in values:
            if value is None:
                cells.append(None)
            elif hasattr(value, "strftime"):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD.MM.YYYY"
                cells.append(cell)
            elif isinstance(value, int):
                cells.append(WriteOnlyCell(sheet, value=value))
            else:
                cell = WriteOnlyCell(sheet, value=str(value))
                cell.data_type = "s"  # stored as a string, never parsed as a formula
                cells.append(cell)
        return cells

    sheet.append(typed_row(matrix_headers(matrix)))
    count = 0
    for row in rows:
        values = person_columns(row)
        for cell in row.cells:
            values += cell_values(cell)
        sheet.append(typed_row(values))
        count += 1
        if progress is not None and count % every == 0:
            progress(count)
    workbook.save(handle)
    return count
