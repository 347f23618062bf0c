"""The German UI is complete: every message in every German catalogue is translated."""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = sorted(
    path
    for path in ROOT.glob("**/locale/de/LC_MESSAGES/django.po")
    if ".venv" not in path.parts and "node_modules" not in path.parts
)


def test_german_catalogue_exists():
    """The project ships a German catalogue."""
    assert ROOT / "locale/de/LC_MESSAGES/django.po" in CATALOGUES


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_german_catalogue_fully_translated(catalogue):
    """No message is left untranslated or fuzzy, so no English slips into the German UI."""
    po = polib.pofile(str(catalogue))
    missing = [entry.msgid for entry in po.untranslated_entries() + po.fuzzy_entries()]
    assert missing == []


def test_catalogues_compile_without_gettext(tmp_path, settings):
    """``make run``/``make test`` compile the catalogues with polib where msgfmt is missing: the
    result is a catalogue gettext reads, with the German texts."""
    import gettext
    import shutil
    from pathlib import Path

    from django.core.management import call_command

    source = Path(__file__).resolve().parents[1] / "locale" / "de" / "LC_MESSAGES" / "django.po"
    target = tmp_path / "locale" / "de" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(source, target / "django.po")
    settings.BASE_DIR = tmp_path
    call_command("catalogues_compile", verbosity=0)
    with (target / "django.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    assert catalogue.gettext("Search") == "Suche"
    assert catalogue.ngettext("%(counter)s result for “%(query)s”", "x", 2).startswith(
        "%(counter)s Ergebnisse"
    )
