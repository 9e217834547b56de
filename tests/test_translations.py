"""The kk and ru catalogs: every message the code uses is translated, placeholders survive, Kazakh is Kazakh.

The messages are extracted afresh from the code, so a new string without a translation fails here
instead of showing up in English on the Kazakh or Russian interface.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "portal" / "translations"
LOCALES = ("kk", "ru")
PLURAL_FORMS = {
    "kk": (2, "(n != 1)"),
    "ru": (3, "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)"),
}
#: any %-conversion: %(name)s, %s, %d, %%, ...
PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[a-zA-Z%]")
KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def _pybabel() -> str:
    """Return the pybabel of the interpreter running the tests (the project's venv)."""
    beside = Path(sys.executable).parent / "pybabel"
    if beside.exists():
        return str(beside)
    found = shutil.which("pybabel")
    if not found:
        pytest.fail("pybabel is not installed next to the test interpreter nor on PATH")
    return found


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """Extract the messages from the code as `make extract-messages` does."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    # Babel's default keywords already include gettext, ngettext:1,2 and friends. A bare `-k ngettext`
    # would override ngettext's spec with "first argument only" and silently drop the plural forms,
    # so ngettext is named here with both of its message arguments.
    cmd = [_pybabel(), "extract", "-F", "babel.cfg", "-k", "_l", "-k", "ngettext:1,2",
           "-o", str(pot), "--no-location", "--omit-header", "."]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, f"pybabel extract failed:\n{done.stdout}\n{done.stderr}"
    with pot.open("rb") as f:
        catalog = read_po(f)
    assert len([m for m in catalog if m.id]) > 100, "suspiciously few messages were extracted"
    return catalog


def _catalog(locale: str) -> Catalog:
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=locale)


@pytest.fixture(scope="module", params=LOCALES)
def locale_catalog(request: pytest.FixtureRequest) -> tuple[str, Catalog]:
    return request.param, _catalog(request.param)


def _forms(message: Message) -> list[str]:
    """Return the translation's forms: one for a plain message, one per plural form otherwise."""
    if isinstance(message.string, (tuple, list)):
        return list(message.string)
    return [message.string or ""]


def _ids(message: Message) -> list[str]:
    return list(message.id) if isinstance(message.id, (tuple, list)) else [message.id]


def _key(message: Message) -> str:
    return _ids(message)[0]


def test_plural_forms_header(locale_catalog: tuple[str, Catalog]) -> None:
    locale, catalog = locale_catalog
    nplurals, expr = PLURAL_FORMS[locale]
    assert catalog.num_plurals == nplurals
    assert catalog.plural_expr.replace(" ", "") == expr.replace(" ", "")


def test_every_extracted_message_is_translated(extracted: Catalog, locale_catalog: tuple[str, Catalog]) -> None:
    locale, catalog = locale_catalog
    missing, not_plural, fuzzy = [], [], []
    for source in extracted:
        if not source.id:
            continue
        entry = catalog.get(_key(source))
        if entry is None or not all(f.strip() for f in _forms(entry)):
            missing.append(_key(source))
            continue
        if source.pluralizable and (not entry.pluralizable or len(_forms(entry)) != catalog.num_plurals
                                    or _ids(entry) != _ids(source)):
            not_plural.append(_key(source))
        if entry.fuzzy:
            fuzzy.append(_key(source))
    problems = []
    if missing:
        problems.append(f"{len(missing)} untranslated in {locale}:\n  " + "\n  ".join(missing))
    if not_plural:
        problems.append(f"{len(not_plural)} plural messages without {catalog.num_plurals} plural forms in "
                        f"{locale} (ngettext would fall back to English):\n  " + "\n  ".join(not_plural))
    if fuzzy:
        problems.append(f"{len(fuzzy)} fuzzy in {locale}:\n  " + "\n  ".join(fuzzy))
    assert not problems, "\n".join(problems) + "\nRun `make extract-messages` and translate the catalogs."


def test_no_fuzzy_entries_anywhere(locale_catalog: tuple[str, Catalog]) -> None:
    locale, catalog = locale_catalog
    assert not catalog.fuzzy, f"the {locale} catalog header is marked fuzzy"
    fuzzy = [_key(m) for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy entries in {locale}: {fuzzy}"


def test_placeholders_are_kept(locale_catalog: tuple[str, Catalog]) -> None:
    locale, catalog = locale_catalog
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        wanted = {spec for text in _ids(message) for spec in PERCENT_SPEC.findall(text)}
        names = {spec[2:-2] for spec in wanted if spec.startswith("%(")}
        for form in _forms(message):
            if not form:
                continue
            got = set(PERCENT_SPEC.findall(form))
            if got != wanted:
                wrong.append(f"{_key(message)!r}: {sorted(wanted)} != {sorted(got)} in {form!r}")
            elif names:
                try:
                    form % {name: "1" for name in names}
                except (KeyError, TypeError, ValueError) as err:
                    wrong.append(f"{_key(message)!r}: {form!r} does not %-format ({err})")
    assert not wrong, f"placeholder mismatches in {locale}:\n  " + "\n  ".join(wrong)


def test_kazakh_catalog_is_written_in_kazakh() -> None:
    catalog = _catalog("kk")
    kazakh = [m for m in catalog if m.id and any(set(f) & KAZAKH_LETTERS for f in _forms(m))]
    assert len(kazakh) >= 100, f"only {len(kazakh)} kk messages use Kazakh-specific letters"


def test_russian_catalog_is_not_kazakh() -> None:
    catalog = _catalog("ru")
    kazakh = [_key(m) for m in catalog if m.id and any(set(f) & KAZAKH_LETTERS for f in _forms(m))]
    assert not kazakh, f"ru messages with Kazakh letters (kk and ru swapped?): {kazakh}"
