"""Files in storage that rows name (certificate PDFs, export ZIPs and workbooks) are deleted
only once the rows' deletion is committed: a rollback brings the rows back, and their files
must still be there."""

import functools
import logging
from collections.abc import Iterable

from django.core.files.storage import default_storage
from django.db import transaction

logger = logging.getLogger(__name__)


def _delete(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # the rows are gone already: log it, the next purge cannot help
            logger.exception("Could not delete the stored file %s", name)


def stored_files_delete_after_commit(names: Iterable[str]) -> int:
    """Delete these files from storage after the current transaction commits; returns how
    many are queued (empty names are skipped)."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(functools.partial(_delete, names))
    return len(names)
