"""Every result template prints a refusal's chosen grounds with their citations, the explanation and the appeal."""
from __future__ import annotations

from pathlib import Path

import pytest

from portal.domain.catalog import SERVICES
from portal.documents.results import CitedGround, render_result
from tests.documents.test_results import GROUNDS, TITLES, _ctx, _pdftotext

SERVICE = SERVICES["teacher_attestation"]
REASONS = tuple(CitedGround(g.text["kk"], g.text["ru"], g.citation["kk"], g.citation["ru"])
                for g in SERVICE.refusal_grounds[:2])


#: the lines printed beside the stamp box on page 0 (pdftotext reads them where the page breaks)
FOOTER = ("Нәтиже / Результат №", "Өтініш / Заявка №", "Құжатқа ЭЦҚ-мен қол қойылған.", "Документ подписан ЭЦП.",
          "Түпнұсқалығын QR-код арқылы тексеріңіз.", "Подлинность проверяется по QR-коду.")


def body_text(pdf: bytes, tmp_path: Path) -> str:
    """Return the document's running text, whitespace collapsed, without the footer beside the stamp."""
    lines = _pdftotext(pdf, tmp_path).splitlines()
    return " ".join(" ".join(ln for ln in lines if not ln.strip().startswith(FOOTER)).split())


@pytest.mark.parametrize("template", TITLES)
def test_refusal_prints_grounds_citations_explanation_and_appeal(template: str, tmp_path: Path) -> None:
    ctx = _ctx(template, "refused", refusal_reasons=REASONS, appeal_kk=SERVICE.appeal["kk"],
               appeal_ru=SERVICE.appeal["ru"])
    text = body_text(render_result(ctx), tmp_path)
    for n, r in enumerate(REASONS, start=1):
        assert f"{n}) {r.text_kk} ({r.citation_kk})" in text
        assert f"{n}) {r.text_ru} ({r.citation_ru})" in text
    assert f"Түсініктеме: {GROUNDS}" in text and f"Пояснение: {GROUNDS}" in text
    assert f"Шағымдану тәртібі: {SERVICE.appeal['kk']}" in text
    assert f"Порядок обжалования: {SERVICE.appeal['ru']}" in text
    # Kazakh first: its appeal comes before the Russian grounds
    assert text.index("Шағымдану тәртібі") < text.index(REASONS[0].text_ru)


@pytest.mark.parametrize("template", TITLES)
def test_a_refusal_from_before_the_catalog_grounds_prints_its_free_text(template: str, tmp_path: Path) -> None:
    """Requests refused before 0006 carry no codes: their free text is still the grounds, under the old label."""
    text = body_text(render_result(_ctx(template, "refused")), tmp_path)
    assert f"Бас тарту негіздері: {GROUNDS}" in text and f"Основания отказа: {GROUNDS}" in text
    assert "Түсініктеме" not in text and "Порядок обжалования" not in text
