"""The application PDF: bilingual text, the attachment hashes, fonts, and the applicant's invisible EDS."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from portal.documents.interrupted import finish, prepare
from portal.documents.request_form import AttachmentLine, ConsentLine, RequestFormData, render_request_form
from portal.documents.results import Line
from tests.documents.test_interrupted import Pki, assert_valid_whole, run_tool, validate

KAZAKH_LETTERS = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"
TITLES = [
    ("ДКК қорытындысы (035-1/у нысаны)", "Заключение ВКК (форма 035-1/у)"),
    ("Баланың туу туралы куәлігі", "Свидетельство о рождении ребёнка"),
    ("Өтініш берушінің жеке куәлігі", "Удостоверение личности заявителя"),
]


LINES = (
    Line("Баланың тегі, аты, әкесінің аты", "ФИО ребёнка", "Әбдірахманов Нұрсұлтан Қайратұлы"),
    Line("Баланың ЖСН-і", "ИИН ребёнка", "120305500456"),
    Line("Баланың туған күні", "Дата рождения ребёнка", "05.03.2012"),
    Line("Мектеп", "Школа", "№ 3 жалпы орта білім беретін мектеп"),
    Line("Сынып", "Класс", "8 «Ә»"),
    Line(
        "Негіз",
        "Основание",
        f"денсаулық жағдайы бойынша {KAZAKH_LETTERS} / по состоянию здоровья (заключение ВКК)",
    ),
)


def _attachments(count: int) -> tuple[AttachmentLine, ...]:
    """Return ``count`` attachments with distinct hashes (one with a long unbroken file name)."""
    return tuple(
        AttachmentLine(
            title_kk=TITLES[i % 3][0],
            title_ru=TITLES[i % 3][1],
            filename=f"скан_{i}_{'очень_длинное_имя_файла_без_пробелов_' * 2 if i == 1 else ''}.pdf",
            sha256=hashlib.sha256(f"scan {i}".encode()).hexdigest(),
            size=123_456 * (i + 1),
        )
        for i in range(count)
    )


def _form(count: int = 3, **changes: object) -> RequestFormData:
    """Return a realistic application of a parent in North Kazakhstan."""
    data = RequestFormData(
        service_name_kk=(
            "«Негізгі орта, жалпы орта білім беру ұйымдарында экстернат нысанында оқуға рұқсат беру»"
        ),
        service_name_ru=(
            "«Разрешение на обучение в форме экстерната в организациях основного среднего, "
            "общего среднего образования»"
        ),
        provider_name_kk="«Петропавл қаласының білім бөлімі» КММ",
        provider_name_ru="КГУ «Отдел образования города Петропавловска»",
        provider_address="Солтүстік Қазақстан облысы, Петропавл қаласы, Қазақстан Конституциясы көшесі 58",
        applicant_name="Әбдірахманова Гүлнұр Серікқызы",
        applicant_iin="850412400123",
        applicant_phone="+7 701 234 56 78",
        applicant_email="gulnur@example.kz",
        lines=LINES,
        attachments=_attachments(count),
        draft_reference="draft 42",
        prepared_at=datetime(2026, 11, 23, 10, 5),
    )
    return replace(data, **changes)  # type: ignore[arg-type]


def _text(pdf: bytes, tmp_path: Path) -> str:
    """Return the PDF's text with whitespace collapsed."""
    return " ".join(run_tool("pdftotext", pdf, tmp_path).split())


def test_application_in_kazakh_then_russian(tmp_path: Path) -> None:
    """Өтініш comes before Заявление; the request's fields and the EDS line are printed."""
    text = _text(render_request_form(_form()), tmp_path)
    assert text.index("ӨТІНІШ") < text.index("ЗАЯВЛЕНИЕ")
    for needle in [
        "Кімге / Кому:",
        "«Петропавл қаласының білім бөлімі» КММ",
        "Әбдірахманова Гүлнұр Серікқызы, ЖСН / ИИН 850412400123",
        "+7 701 234 56 78, gulnur@example.kz",
        "Өтініш беруші: Әбдірахманова Гүлнұр Серікқызы, ЖСН 850412400123",
        "Заявитель: Әбдірахманова Гүлнұр Серікқызы, ИИН 850412400123",
        "draft 42, 23.11.2026 10:05",
        "Өтінішке өтініш берушінің ЭЦҚ-мен қол қойылған.",
        "Заявление подписано ЭЦП заявителя.",
    ]:
        assert needle in text, needle


def test_the_consent_is_printed_with_who_gave_it_and_when_in_each_language(tmp_path: Path) -> None:
    """The consent's words, its giver and its time stand in each part; none given is said so, never implied."""
    consent = ConsentLine(text_kk="Келісім беремін.", text_ru="Даю согласие.", given_at=datetime(2026, 11, 23, 10, 4),
                          given_by="Әбдірахманова Гүлнұр Серікқызы")
    text = _text(render_request_form(_form(consent=consent)), tmp_path)
    kk = text.index("Келісім: Келісім беремін. (келісім берген: Әбдірахманова Гүлнұр Серікқызы, 23.11.2026 10:04)")
    ru = text.index("Согласие: Даю согласие. (согласие дал(а): Әбдірахманова Гүлнұр Серікқызы, 23.11.2026 10:04)")
    assert kk < text.index("ЗАЯВЛЕНИЕ") < ru
    text = _text(render_request_form(_form()), tmp_path)
    assert "келісім берілмеген" in text and "согласие на использование сведений" in text.lower()
    assert "Келісім:" not in text and "Согласие:" not in text


def test_every_line_is_printed_with_its_label_in_each_language(tmp_path: Path) -> None:
    """Each request field appears as "label: value", Kazakh labels before ЗАЯВЛЕНИЕ, Russian after."""
    text = _text(render_request_form(_form()), tmp_path)
    russian = text.index("ЗАЯВЛЕНИЕ")
    for line in LINES:
        kk = text.index(f"{line.label_kk}: {line.value}")
        ru = text.index(f"{line.label_ru}: {line.value}", russian)
        assert kk < russian < ru, line


def test_other_services_fields_and_an_empty_value(tmp_path: Path) -> None:
    """Any service's lines print; an empty value shows a dash; unquoted service names get «»."""
    lines = (
        Line("Біліктілік санаты", "Квалификационная категория", "педагог-зерттеуші"),
        Line("Қосымша ақпарат", "Дополнительные сведения", ""),
    )
    data = _form(1, lines=lines, service_name_kk="Аттестаттауға құжаттар қабылдау",
                 service_name_ru="Приём документов для аттестации")
    text = _text(render_request_form(data), tmp_path)
    assert "Біліктілік санаты: педагог-зерттеуші" in text
    assert "Квалификационная категория: педагог-зерттеуші" in text
    assert "Дополнительные сведения: —" in text
    assert "«Приём документов для аттестации»" in text
    assert "ФИО ребёнка" not in text


def test_every_kazakh_letter_and_every_hash_is_extractable(tmp_path: Path) -> None:
    """pdftotext finds the Kazakh letters, each file name, size and full SHA-256."""
    data = _form()
    text = _text(render_request_form(data), tmp_path)
    assert KAZAKH_LETTERS in text
    for item in data.attachments:
        assert f"SHA-256: {item.sha256}" in text
        assert item.title_kk in text and item.title_ru in text
    assert "скан_0_.pdf" in text and "370 368 байт" in text  # no-break spaces come out as spaces


def test_long_list_flows_over_pages_with_every_hash(tmp_path: Path) -> None:
    """Thirty attachments take several pages; no hash is lost or split."""
    data = _form(30)
    pdf = render_request_form(data)
    reader = PdfFileReader(io.BytesIO(pdf))
    pages = int(reader.root["/Pages"]["/Count"])
    assert pages > 1
    text = _text(pdf, tmp_path)
    assert all(f"SHA-256: {item.sha256}" in text for item in data.attachments)
    assert text.count("Құжат / Документ") == pages  # the table header is repeated
    assert re.search(rf"\b{pages} ?/ ?{pages}$", text)  # page numbers


def test_no_attachments_says_so(tmp_path: Path) -> None:
    """An empty list is stated, not drawn as an empty table."""
    assert "Приложений нет." in _text(render_request_form(_form(0)), tmp_path)


def test_dejavu_is_embedded(tmp_path: Path) -> None:
    """Both DejaVu faces are embedded (pdffonts: emb yes)."""
    listing = run_tool("pdffonts", render_request_form(_form()), tmp_path)
    rows = [line.split() for line in listing.splitlines() if "DejaVuSans" in line]
    assert {row[0].split("+")[-1] for row in rows} == {"DejaVuSans", "DejaVuSans-Bold"}
    assert all("yes" in row for row in rows)


@pytest.mark.parametrize("sha256", ["", "abc", "g" * 64, "a" * 63])
def test_attachment_needs_a_full_sha256(sha256: str) -> None:
    """An attachment line is refused without a 64-digit hex hash."""
    with pytest.raises(ValueError):
        AttachmentLine(title_kk="x", title_ru="x", filename="x.pdf", sha256=sha256, size=1)


def test_applicant_signs_the_form_invisibly(tmp_path: Path) -> None:
    """Prepared without a stamp, signed by the applicant's detached CMS: valid, whole file, no appearance."""
    pki = Pki()
    ready = prepare(render_request_form(_form()), field_name="ApplicantSignature")
    pdf = finish(ready, pki.create_cms(ready.signed_bytes()))
    assert_valid_whole(validate(pdf, pki))
    out = run_tool("pdfsig", pdf, tmp_path)
    assert "Signature is Valid" in out and "Total document signed" in out
    page = PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Kids"][0]
    widget = next(a.get_object() for a in page["/Annots"] if a.get_object().get("/Subtype") == "/Widget")
    assert [float(v) for v in widget["/Rect"]] == [0, 0, 0, 0]
