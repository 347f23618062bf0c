"""ZIP archives of certificate PDFs, written piece by piece (streamed or into storage)."""

import zipfile
from collections.abc import Callable, Iterable, Iterator

from django.core.files.storage import default_storage
from django.utils.text import slugify


class _Sink:
    """A write-only file for ``zipfile`` that hands out what was written since the last call."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def zip_archive_chunks(
    certificates: Iterable, progress: Callable[[int], None] | None = None
) -> Iterator[bytes]:
    """Yield a ZIP (stored, PDFs are compressed already) of the certificates' PDFs, one PDF
    at a time: memory stays at one PDF however many there are."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:
        for count, certificate in enumerate(certificates, start=1):
            if not certificate.pdf:
                continue
            name = f"{certificate.serial}_{slugify(certificate.learner_name) or 'zertifikat'}.pdf"
            info = zipfile.ZipInfo(name, date_time=certificate.issued_on.timetuple()[:6])
            with default_storage.open(certificate.pdf.name, "rb") as handle:
                archive.writestr(info, handle.read())
            if progress:
                progress(count)
            yield sink.drain()
    yield sink.drain()
