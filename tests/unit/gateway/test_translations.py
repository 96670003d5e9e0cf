"""Every page text has its English, and the catalogue is in step with the sources."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

GATEWAY = Path(__file__).resolve().parents[3] / "gateway"
CATALOGUE = GATEWAY / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def _ids(path: Path) -> dict[str, str]:
    with path.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id}


def test_every_text_has_english() -> None:
    missing = [german for german, english in _ids(CATALOGUE).items() if not english]
    assert missing == []


def test_no_english_is_marked_fuzzy() -> None:
    # gettext skips fuzzy entries: their pages would show German on ?lang=en.
    with CATALOGUE.open("rb") as handle:
        fuzzy = [m.id for m in read_po(handle) if m.id and m.fuzzy]
    assert fuzzy == []


def test_catalogue_covers_every_text_in_the_sources(tmp_path: Path) -> None:
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_",
            "-k",
            "gettext",
            "-k",
            "N_",
            "-o",
            str(template),
            ".",
        ],
        cwd=GATEWAY,
        check=True,
        capture_output=True,
    )
    assert set(_ids(template)) - set(_ids(CATALOGUE)) == set()
