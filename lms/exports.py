"""The qualification matrix as a file: header and row texts shared by the CSV (streamed by the
view) and the XLSX workbook (written by a Celery task). Pure: reads the matrix it is given,
knows nothing of requests, and writes no model."""

from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise_formula(value) -> str:
    """Spreadsheet programs run cells starting with = + - @ (or tab/CR) as formulas; prefix
    them with an apostrophe so an exported name can never become a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def matrix_headers(matrix) -> list[str]:
    """German (active language) column headers: the person, then one column per course."""
    return [_("Name"), _("E-mail address"), _("Units"), _("Job profiles")] + [
        course.title for course in matrix.columns
    ]


def person_columns(row) -> list[str]:
    """The four columns describing the person of one matrix row."""
    return [row.user.full_name, row.user.email, ", ".join(row.units), ", ".join(row.job_profiles)]


def cell_texts() -> Callable:
    """``_cell_text`` memoised per (status, date, percent) for one export: 40,000 × 30 cells
    repeat a few hundred distinct texts, and each translation lookup costs microseconds."""
    texts: dict = {}

    def text_of(cell) -> str:
        key = (cell.status, cell.valid_until, cell.percent)
        text = texts.get(key)
        if text is None:
            text = texts[key] = _cell_text(cell)
        return text

    return text_of


def _cell_text(cell) -> str:
    text = cell.label
    if cell.valid_until:
        text += " " + _("until %(date)s") % {"date": cell.valid_until.strftime("%d.%m.%Y")}
    if cell.status in ("in_progress", "overdue") and cell.percent is not None:
        text += f" ({cell.percent} %)"
    return text


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
    memory flat; every cell is stored as a string, so nothing is ever parsed as a formula.
    ``progress(count)`` is called every ``every`` rows (the caller records the end)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Qualifications")[:31])

    def text_row(values):
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=neutralise_formula(value))
            cell.data_type = "s"  # stored as a string, never parsed as a formula
            cells.append(cell)
        return cells

    sheet.append(text_row(matrix_headers(matrix)))
    cell_text = cell_texts()
    count = 0
    for row in rows:
        sheet.append(text_row(person_columns(row) + [cell_text(cell) for cell in row.cells]))
        count += 1
        if progress is not None and count % every == 0:
            progress(count)
    workbook.save(handle)
    return count
