"""Result templates: each renders Kazakh then Russian, the refusal with its grounds, and keeps STAMP_BOX free."""

from __future__ import annotations

import hashlib
import html
import io
import re
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from portal.documents.render import PAGE_HEIGHT, STAMP_BOX
from portal.documents.result_page import Para, render_document
from portal.documents.results import (
    TEMPLATES,
    Line,
    OrderRef,
    ResultContext,
    excerpt_data,
    register_template,
    render_result,
)
from tests.tools import tool

KAZAKH_LETTERS = set("ӘәҒғҚқҢңӨөҰұҮүҺһІі")
APPLICANT = "Сәрсенбаева Әйгерім Қуанышқызы"
GROUNDS = "Ұсынылған құжаттар стандарттың 10-тармағының талаптарына сәйкес келмейді (толық емес пакет)."
REFUSAL = ("ДӘЛЕЛДІ БАС ТАРТУ", "МОТИВИРОВАННЫЙ ОТКАЗ")
TITLES = {
    "excerpt_external_study": ("БҰЙРЫҚТАН ҮЗІНДІ", "ВЫПИСКА ИЗ ПРИКАЗА"),
    "tvet_certificate": ("АНЫҚТАМА", "СПРАВКА"),
    "tvet_order": ("БҰЙРЫҚ", "ПРИКАЗ"),
    "attestation_receipt": ("ҚОЛХАТ", "РАСПИСКА"),
}


def _ctx(kind: str, decision: str = "permitted", **changes: object) -> ResultContext:
    """Return a realistic context for the built-in template ``kind`` (``changes`` may rename it)."""
    base = dict(
        template=kind,
        result_number="7K3M-9QX2-P4TA",
        registration_number="TVC-2026-000017",
        decision=decision,
        service_name_kk="Техникалық және кәсіптік, орта білімнен кейінгі білім алуды аяқтамаған адамдарға "
        "анықтама беру",
        service_name_ru="Выдача справки лицам, не завершившим техническое и профессиональное, послесреднее образование",
        result_title_kk="АНЫҚТАМА",
        result_title_ru="СПРАВКА",
        granted_kk="Анықтама берілді",
        granted_ru="Справка выдана",
        subflow_kk=None,
        subflow_ru=None,
        provider_name_kk="«Петропавл жоғары колледжі» КМҚК",
        provider_name_ru="ГККП «Петропавловский высший колледж»",
        provider_address="Петропавл қаласы, Абай көшесі 28",
        applicant_name=APPLICANT,
        applicant_iin="030512600789",
        form={},
        request_lines=(),
        result_lines=(),
        documents=(),
        refusal_grounds=GROUNDS if decision == "refused" else None,
        signer_name="Жұмабеков Ерлан Төлеуұлы",
        signer_role_kk="Директор",
        signer_role_ru="Директор",
        issued_on=date(2026, 11, 24),
    )
    base.update(_EXTRA[kind])
    base.update(changes)
    return ResultContext(**base)  # type: ignore[arg-type]


DEPARTMENT_ORDER = OrderRef(number="12", issued_on=date(2026, 11, 24), excerpt=True,
                            issuer_kk="«Петропавл қаласының білім бөлімі» мемлекеттік мекемесі басшысының",
                            issuer_ru="руководителя ГУ «Отдел образования города Петропавловска»")
COLLEGE_ORDER = OrderRef(number="7", issued_on=date(2026, 11, 24), excerpt=False,
                         issuer_kk="«Петропавл жоғары колледжі» КМҚК директорының",
                         issuer_ru="директора ГККП «Петропавловский высший колледж»")

_EXTRA: dict[str, dict[str, object]] = {
    "excerpt_external_study": dict(
        order=DEPARTMENT_ORDER,
        registration_number="EXT-2026-000012",
        service_name_kk="Негізгі орта, жалпы орта білім беру ұйымдарында экстернат нысанында оқуға рұқсат беру",
        service_name_ru="Разрешение на обучение в форме экстерната в организациях основного среднего, "
        "общего среднего образования",
        form={
            "child_name": "Әбдірахманов Нұрсұлтан Қайратұлы",
            "child_iin": "120305500456",
            "child_birth_date": "2012-03-05",
            "school": "№ 3 мектеп",
            "grade": "8",
            "ground": "health",
            "ground_kk": "Денсаулық жағдайы бойынша мектепке бара алмайды",
            "ground_ru": "Не может посещать школу по состоянию здоровья",
        },
        request_lines=(Line("Негіз", "Основание", "Денсаулық бойынша / По здоровью"),),
    ),
    "tvet_certificate": dict(
        result_lines=(
            Line("Оқу кезеңі", "Период обучения", "01.09.2021 – 15.01.2024"),
            Line("Мамандығы", "Специальность", "0518000 «Есеп және аудит»"),
            Line("Аяқталған көлемі", "Завершённый объём", "2 курс толық, 3 курстың 1-семестрі"),
            Line("Оқудан шығару туралы бұйрық", "Приказ об отчислении", "№ 12-к, 15.01.2024"),
        ),
    ),
    "tvet_order": dict(
        order=COLLEGE_ORDER,
        registration_number="TRF-2026-000003",
        service_name_kk="Техникалық және кәсіптік, орта білімнен кейінгі білім беру ұйымдарында білім алушыларды "
        "ауыстыру және қайта қабылдау",
        service_name_ru="Перевод и восстановление обучающихся в организациях технического и профессионального, "
        "послесреднего образования",
        subflow_kk="Ауыстыру",
        subflow_ru="Перевод",
        granted_kk="Білім алушы ауыстырылды",
        granted_ru="Обучающийся переведён",
        form={"kind": "transfer", "from_college": "Көкшетау политехникалық колледжі"},
        request_lines=(
            Line("Өтініш түрі", "Вид заявления", "Ауыстыру / Перевод"),
            Line("Қай колледжден", "Из какого колледжа", "Көкшетау политехникалық колледжі"),
            Line("Мамандығы", "Специальность", "1304000 «Есептеу техникасы»"),
        ),
        result_lines=(
            Line("Курс, топ", "Курс, группа", "2 курс, ВТ-22"),
            Line("Оқуға қабылдану күні", "Дата зачисления", "01.12.2026"),
        ),
    ),
    "attestation_receipt": dict(
        registration_number="ATT-2026-000041",
        service_name_kk="Педагог қызметкерлерге және оларға теңестірілген адамдарға біліктілік санаттарын беру "
        "(растау) үшін аттестаттаудан өткізуге құжаттар қабылдау",
        service_name_ru="Приём документов для прохождения аттестации на присвоение (подтверждение) "
        "квалификационных категорий педагогам и приравненным к ним лицам",
        granted_kk="Құжаттар қабылданды",
        granted_ru="Документы приняты",
        provider_name_kk="«Петропавл қаласының № 3 мектебі» КММ",
        provider_name_ru="КГУ «Школа № 3 города Петропавловска»",
        request_lines=(
            Line("Біліктілік санаты", "Квалификационная категория", "педагог-зерттеуші"),
            Line("Өтініш мақсаты", "Цель", "беру / присвоение"),
        ),
        result_lines=(Line("Аттестаттау кезеңі", "Период аттестации", "2027 жылғы қаңтар – сәуір"),),
        documents=(
            Line("Өтініш", "Заявление", "otinish.pdf"),
            Line("Жеке басын куәландыратын құжат", "Документ, удостоверяющий личность", "kuälik_skan.pdf"),
            Line("Біліктілік санаты туралы куәлік", "Удостоверение о категории", "sanat_2022.pdf"),
        ),
    ),
}

CASES = [(t, d) for t in TITLES for d in ("permitted", "refused")]


def _pdftotext(pdf: bytes, tmp_path: Path, *args: str) -> str:
    """Run poppler's pdftotext on a PDF and return what it prints."""
    src = tmp_path / f"result-{hashlib.sha1(pdf).hexdigest()[:8]}.pdf"
    src.write_bytes(pdf)
    done = subprocess.run([tool("pdftotext"), *args, str(src), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def _text(pdf: bytes, tmp_path: Path) -> str:
    """Return the PDF's text with whitespace collapsed."""
    return " ".join(_pdftotext(pdf, tmp_path).split())


def _words_in_stamp_box(pdf: bytes, tmp_path: Path) -> list[str]:
    """Return the words of page 0 whose boxes (pdftotext -bbox, top-left origin) overlap STAMP_BOX."""
    out = _pdftotext(pdf, tmp_path, "-bbox", "-f", "1", "-l", "1")
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', out
    )
    assert words, "pdftotext -bbox found no words"
    x1, y1, x2, y2 = STAMP_BOX
    top, bottom = PAGE_HEIGHT - y2, PAGE_HEIGHT - y1
    return [
        html.unescape(word)
        for a, b, c, d, word in words
        if float(a) < x2 and float(c) > x1 and float(b) < bottom and float(d) > top
    ]


@pytest.mark.parametrize(("template", "decision"), CASES)
def test_template_prints_everything_kazakh_first(template: str, decision: str, tmp_path: Path) -> None:
    """Kazakh letters, title words (kk before ru), applicant, number, result lines, and grounds when refused."""
    ctx = _ctx(template, decision)
    text = _text(render_result(ctx), tmp_path)
    assert len(KAZAKH_LETTERS & set(text)) >= 6
    kk, ru = REFUSAL if decision == "refused" else TITLES[template]
    assert kk in text and ru in text
    assert text.index(kk) < text.index(ru)
    assert APPLICANT in text
    assert ctx.result_number in text and ctx.registration_number in text
    for line in ctx.result_lines:
        assert line.value in text, line
    if decision == "refused":
        assert GROUNDS in text
        assert TITLES[template][1] not in text.replace(ru, "")  # no grant, only the refusal
    else:
        assert GROUNDS not in text


@pytest.mark.parametrize(("template", "decision"), CASES)
def test_stamp_box_is_free_of_text(template: str, decision: str, tmp_path: Path) -> None:
    """No word on page 0 falls inside STAMP_BOX, the footer notes sit to its right."""
    pdf = render_result(_ctx(template, decision))
    assert _words_in_stamp_box(pdf, tmp_path) == []
    assert "ЭЦП." in _text(pdf, tmp_path)


@pytest.mark.parametrize("template", sorted(TITLES))
def test_long_refusal_flows_on_and_still_spares_the_stamp_box(template: str, tmp_path: Path) -> None:
    """A very long refusal takes a second page; every word survives, the stamp box stays empty."""
    grounds = " ".join(["Өтініш берушінің деректері талаптарға сәйкес келмейді."] * 60)
    pdf = render_result(_ctx(template, "refused", refusal_grounds=grounds))
    assert len(PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Kids"]) >= 2
    assert _words_in_stamp_box(pdf, tmp_path) == []
    assert _text(pdf, tmp_path).count("талаптарға сәйкес келмейді") == 120  # in both parts


def test_certificate_names_the_form_and_the_college(tmp_path: Path) -> None:
    """The certificate cites order No. 289 and says where the person studied, in both languages."""
    text = _text(render_result(_ctx("tvet_certificate")), tmp_path)
    assert "2009 жылғы 12 маусымдағы № 289" in text and "от 12 июня 2009 года № 289" in text
    assert f"Дана {APPLICANT}, ИИН 030512600789" in text
    assert "обучался(-ась) в ГККП «Петропавловский высший колледж»" in text
    assert "Мамандығы: 0518000 «Есеп және аудит»" in text
    assert "Приказ об отчислении: № 12-к, 15.01.2024" in text
    assert "Решение: Справка выдана" in text


def test_order_transfers_or_readmits(tmp_path: Path) -> None:
    """ПРИКАЗЫВАЮ: перевести — or восстановить for re-admission, told by sub-flow or by the raw value."""
    transfer = _text(render_result(_ctx("tvet_order")), tmp_path)
    assert "БҰЙЫРАМЫН:" in transfer and "ПРИКАЗЫВАЮ:" in transfer
    assert "ауыстырылсын" in transfer and "1. Перевести обучающегося:" in transfer
    assert "Из какого колледжа: Көкшетау политехникалық колледжі" in transfer
    assert "о переводе обучающегося" in transfer
    assert "БҰЙРЫҚ 24.11.2026 жылғы № 7" in transfer and "ПРИКАЗ № 7 от 24.11.2026" in transfer
    with pytest.raises(ValueError, match="order"):
        render_result(_ctx("tvet_order", order=None))  # an order is not issued without its number
    by_subflow = _ctx("tvet_order", subflow_kk="Қайта қабылдау", subflow_ru="Восстановление")
    by_value = _ctx("tvet_order", subflow_kk=None, subflow_ru=None, form={"kind": "readmission"})
    for ctx in (by_subflow, by_value):
        text = _text(render_result(ctx), tmp_path)
        assert "қайта қабылдансын" in text and "1. Восстановить обучающегося:" in text
        assert "Перевести" not in text


def test_receipt_lists_documents_date_and_number(tmp_path: Path) -> None:
    """The receipt lists each document with its file name in both languages, the date and the number."""
    ctx = _ctx("attestation_receipt")
    text = _text(render_result(ctx), tmp_path)
    for n, doc in enumerate(ctx.documents, start=1):
        assert f"{n}. {doc.label_kk} — {doc.value}" in text
        assert f"{n}. {doc.label_ru} — {doc.value}" in text
    assert "Қабылданған күні: 24.11.2026" in text and "Дата приёма: 24.11.2026" in text
    assert "Регистрационный номер: ATT-2026-000041" in text
    assert "Квалификационная категория: педагог-зерттеуші" in text
    assert "Шешім: Құжаттар қабылданды" in text and "Решение: Документы приняты" in text
    refused = _text(render_result(_ctx("attestation_receipt", "refused")), tmp_path)
    assert "Представленные документы:" in refused and "sanat_2022.pdf" in refused


def test_excerpt_adapter_takes_the_ground_from_form_keys_or_its_line() -> None:
    """ground_kk/ground_ru win; without them the "Негіз / Основание" line's "kk / ru" value is split."""
    ctx = _ctx("excerpt_external_study")
    data = excerpt_data(ctx)
    assert (data.ground_kk, data.ground_ru) == (ctx.form["ground_kk"], ctx.form["ground_ru"])
    assert data.child_birth_date == date(2012, 3, 5) and data.head_name == ctx.signer_name
    form = {k: v for k, v in ctx.form.items() if not k.startswith("ground_")}
    data = excerpt_data(replace(ctx, form=form))
    assert (data.ground_kk, data.ground_ru) == ("Денсаулық бойынша", "По здоровью")
    with pytest.raises(ValueError, match="ground"):
        excerpt_data(replace(ctx, form=form, request_lines=()))
    with pytest.raises(ValueError, match="child_name"):
        excerpt_data(replace(ctx, form={**ctx.form, "child_name": ""}))
    with pytest.raises(ValueError, match="ISO date"):
        excerpt_data(replace(ctx, form={**ctx.form, "child_birth_date": "05.03.2012"}))


def test_unknown_template_is_a_value_error() -> None:
    """An unregistered template name is refused with a ValueError, not a KeyError."""
    with pytest.raises(ValueError, match="unknown result template 'no_such_form'"):
        render_result(_ctx("tvet_certificate", template="no_such_form"))


def test_context_rejects_unknown_decision_and_refusal_without_grounds() -> None:
    """The context accepts only permitted/refused, and a refusal must state its grounds."""
    with pytest.raises(ValueError):
        _ctx("tvet_order", decision="maybe")
    with pytest.raises(ValueError):
        _ctx("tvet_order", "refused", refusal_grounds="  ")


def _fifth_service(ctx: ResultContext) -> bytes:
    """A further service's own result: one line in each language on the shared page."""
    kazakh = [Para("ХАБАРЛАМА", bold=True, centred=True), Para(ctx.applicant_name, label="Алушы: ")]
    russian = [Para("УВЕДОМЛЕНИЕ", bold=True, centred=True), Para(ctx.granted_ru, label="Решение: ")]
    return render_document(ctx, kazakh, russian, "Хабарлама / Уведомление")


def test_a_fifth_service_registers_its_own_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """register_template + render_result: a new service plugs in its own template."""
    monkeypatch.setattr("portal.documents.results.TEMPLATES", dict(TEMPLATES))
    from portal.documents import results

    register_template("fifth_notice", _fifth_service)
    register_template("fifth_notice", _fifth_service)  # the same function again is harmless
    assert "fifth_notice" in results.TEMPLATES and "fifth_notice" not in TEMPLATES
    pdf = render_result(_ctx("tvet_certificate", template="fifth_notice"))
    text = _text(pdf, tmp_path)
    assert text.index("ХАБАРЛАМА") < text.index("УВЕДОМЛЕНИЕ")
    assert APPLICANT in text and "Решение: Справка выдана" in text
    assert _words_in_stamp_box(pdf, tmp_path) == []
    with pytest.raises(ValueError, match="already registered"):
        register_template("fifth_notice", lambda ctx: b"")
    with pytest.raises(ValueError, match="already registered"):
        register_template("tvet_order", _fifth_service)
    register_template("fifth_notice", lambda ctx: b"%PDF-stub", replace=True)
    assert render_result(_ctx("tvet_certificate", template="fifth_notice")) == b"%PDF-stub"
