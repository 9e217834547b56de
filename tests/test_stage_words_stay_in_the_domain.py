"""Outside the domain nothing compares a stage, a status or a decision by its spelling: pages ask the read model."""
from __future__ import annotations

import re
from pathlib import Path

from portal.domain.catalog import VERSIONS
from portal.domain.models import Decision

ROOT = Path(__file__).resolve().parent.parent
#: what the web layers, the documents and the templates are made of
OUTSIDE = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("provider_backoffice/**/*.py"),
           *(p for p in ROOT.glob("portal/**/*.py") if not p.is_relative_to(ROOT / "portal" / "domain")
             and not p.is_relative_to(ROOT / "portal" / "migrations"))]
STAGES = {s.code for versions in VERSIONS.values() for spec in versions for _, process in spec.handbook_processes()
          for s in process.stages} | {"draft"}
WORDS = STAGES | {d.value for d in Decision}
COMPARED = re.compile(r"""(?:[=!]=|\bin)\s*\(?\s*["'](%s)["']|["'](%s)["']\s*[=!]=""" % ("|".join(WORDS), "|".join(WORDS)))
ATTRIBUTE_COMPARED = re.compile(r"(?<!response)\.(status|stage)\s*[=!]=")


def test_the_files_are_found():
    names = {p.name for p in OUTSIDE}
    assert {"card.html", "cabinet.html", "views.py", "render.py"} <= names


def test_no_stage_status_or_decision_is_compared_by_its_spelling():
    found = []
    for path in OUTSIDE:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if COMPARED.search(line) or ATTRIBUTE_COMPARED.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_the_pattern_catches_what_it_should():
    assert COMPARED.search('{% if app.status == "completed" %}')
    assert COMPARED.search("if decision == 'refused':")
    assert COMPARED.search('"draft" != app.stage')
    assert ATTRIBUTE_COMPARED.search("if app.stage != x")
    assert not ATTRIBUTE_COMPARED.search("if status == 503")
    assert not COMPARED.search('labels.NOTIFICATION["registered"]')
