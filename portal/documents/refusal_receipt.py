"""The receipt of refusal to accept documents: the Standard's annex 3, issued at a State Corporation centre.

Seed 004, para. 9, subpara. 1: when the applicant brings an incomplete package, the State Corporation's
employee refuses to accept the application and issues "a receipt of refusal to accept the documents in the
form of annex 3 to the Standard" (5 minutes). Seed 004 cites the form without printing it; its wording here
is that of the annex 3 form the Standards of 2015 share (as amended for the State Corporation): the law it
rests on (art. 20, para. 2 of the Law on Public Services of 15 April 2013), the centre's department and
address, the service, the paragraph of the Standard whose list the package falls short of, the missing
documents numbered, two copies, the employee, and the applicant's signature of receipt.

Kazakh first, then Russian, like the result forms; ``STAMP_BOX`` on page 0 is left empty for the
centre's QR seal stamp. Fonts, wrapping and measuring come from ``render.py``.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from portal import dates
from portal.documents.canvas import BOLD, REGULAR, ensure_fonts, new_canvas
from portal.documents.render import (
    MARGIN_TOP,
    PAGE_HEIGHT,
    STAMP_BOX,
    _layout,
    _Para,
    draw_lines,
)
from portal.documents.result_page import FIRST_PAGE_FLOOR, FONT_SIZES, quoted

TITLE_KK = "Құжаттарды қабылдаудан бас тарту туралы қолхат"
TITLE_RU = "Расписка об отказе в приеме документов"
ANNEX_KK = "мемлекеттік көрсетілетін қызмет стандартына 3-қосымша"
ANNEX_RU = "Приложение 3 к стандарту государственной услуги"
LAW_KK = ("«Мемлекеттік көрсетілетін қызметтер туралы» 2013 жылғы 15 сәуірдегі Қазақстан Республикасы "
          "Заңының 20-бабының 2-тармағын басшылыққа ала отырып,")
LAW_RU = ("Руководствуясь пунктом 2 статьи 20 Закона Республики Казахстан от 15 апреля 2013 года "
          "«О государственных услугах»,")
COPIES_KK = "Осы қолхат әр тарапқа бір-бірден 2 данада жасалды."
COPIES_RU = "Настоящая расписка составлена в 2 экземплярах, по одному для каждой стороны."
BLANK = "_" * 28


@dataclass(frozen=True)
class MissingDocument:
    """A document of the Standard's list that the package lacks, titled in Kazakh and Russian."""

    title_kk: str
    title_ru: str


@dataclass(frozen=True)
class ReceiptOfRefusal:
    """Everything printed on the receipt of refusal to accept documents."""

    receipt_number: str
    #: the centre's department as the State Corporation names it, e.g. "... филиалының № 1 бөлімі"
    centre_name_kk: str
    centre_name_ru: str
    centre_address: str
    #: the State Corporation's employee who refused the package
    operator_name: str
    applicant_name: str
    applicant_iin: str
    service_name_kk: str
    service_name_ru: str
    missing: tuple[MissingDocument, ...]
    issued_at: datetime
    #: the Standard's paragraph whose list of documents the package falls short of
    standard_paragraph: int
    applicant_address: str = ""
    operator_phone: str = ""

    def __post_init__(self) -> None:
        """Refuse a receipt that names no missing document or no paragraph of the Standard."""
        if not self.missing:
            raise ValueError("a receipt of refusal names the missing documents")
        if self.standard_paragraph < 1:
            raise ValueError("the Standard's paragraph is a positive number")
        if not self.receipt_number.strip():
            raise ValueError("a receipt of refusal needs its number")


def _when(moment: datetime) -> str:
    """Format the time of issue."""
    return dates.minute(moment)


def _header(data: ReceiptOfRefusal) -> list[_Para]:
    """Return the centre's header and the receipt's number and time."""
    return [
        _Para(data.centre_name_kk, bold=True, centred=True),
        _Para(data.centre_name_ru, bold=True, centred=True),
        _Para(data.centre_address, scale=0.9, centred=True),
        _Para(f"Қолхат / Расписка № {data.receipt_number}   ·   {_when(data.issued_at)}", scale=0.9, centred=True,
              space_before=4),
    ]


def _applicant(data: ReceiptOfRefusal, iin_word: str, address_label: str) -> list[_Para]:
    """Return the addressee lines of the form: the applicant, and their address when given."""
    lines = [_Para(f"{data.applicant_name}, {iin_word} {data.applicant_iin}", bold=True, space_before=4)]
    if data.applicant_address.strip():
        lines.append(_Para(data.applicant_address, label=address_label))
    return lines


def _missing(data: ReceiptOfRefusal, kazakh: bool) -> list[_Para]:
    """Return the numbered list of the missing documents in one language."""
    last = len(data.missing)
    return [_Para(f"{n}) {doc.title_kk if kazakh else doc.title_ru}{'.' if n == last else ';'}")
            for n, doc in enumerate(data.missing, start=1)]


def _operator(data: ReceiptOfRefusal, phone_word: str) -> str:
    """Return the employee as the form's "executor" line names them."""
    return f"{data.operator_name}, {phone_word} {data.operator_phone}" if data.operator_phone.strip() \
        else data.operator_name


def _kazakh(data: ReceiptOfRefusal) -> list[_Para]:
    """Return the Kazakh form."""
    service = quoted(data.service_name_kk)
    return [
        _Para(f"{service} {ANNEX_KK}", scale=0.85),
        _Para("Нысан", scale=0.85),
        *_applicant(data, "ЖСН", "Мекенжайы: "),
        _Para(TITLE_KK.upper(), bold=True, scale=1.15, centred=True, space_before=6),
        _Para(f"{LAW_KK} {data.centre_name_kk} ({data.centre_address}) мемлекеттік көрсетілетін қызмет "
              f"стандартының {data.standard_paragraph}-тармағында көзделген тізбеге сәйкес құжаттардың толық "
              f"топтамасын ұсынбауыңызға байланысты {service} мемлекеттік көрсетілетін қызметін көрсетуге "
              "құжаттарды қабылдаудан бас тартады, атап айтқанда:", space_before=4),
        _Para("Жоқ құжаттардың атауы:", bold=True, space_before=3),
        *_missing(data, kazakh=True),
        _Para(COPIES_KK, space_before=3),
        _Para(data.operator_name, label="Мемлекеттік корпорация қызметкері: ", space_before=4),
        _Para(_operator(data, "тел."), label="Орындаушы: "),
        _Para(f"{BLANK} (көрсетілетін қызметті алушының Т.А.Ә., қолы)", label="Алдым: ", space_before=3),
        _Para(_when(data.issued_at), label="Күні: "),
    ]


def _russian(data: ReceiptOfRefusal) -> list[_Para]:
    """Return the Russian form."""
    service = quoted(data.service_name_ru)
    return [
        _Para(f"{ANNEX_RU} {service}", scale=0.85),
        _Para("Форма", scale=0.85),
        *_applicant(data, "ИИН", "Адрес: "),
        _Para(TITLE_RU.upper(), bold=True, scale=1.15, centred=True, space_before=6),
        _Para(f"{LAW_RU} {data.centre_name_ru} ({data.centre_address}) отказывает в приеме документов на "
              f"оказание государственной услуги {service} ввиду представления Вами неполного пакета "
              f"документов согласно перечню, предусмотренному пунктом {data.standard_paragraph} стандарта "
              "государственной услуги, а именно:", space_before=4),
        _Para("Наименование отсутствующих документов:", bold=True, space_before=3),
        *_missing(data, kazakh=False),
        _Para(COPIES_RU, space_before=3),
        _Para(data.operator_name, label="Работник Государственной корпорации: ", space_before=4),
        _Para(_operator(data, "тел."), label="Исполнитель: "),
        _Para(f"{BLANK} (Ф.И.О., подпись услугополучателя)", label="Получил(а): ", space_before=3),
        _Para(_when(data.issued_at), label="Дата: "),
    ]


def _footer(canvas: Canvas, data: ReceiptOfRefusal) -> None:
    """Print the number and the e-signature note to the right of the stamp box."""
    lines = [
        (BOLD, f"Қолхат / Расписка № {data.receipt_number}"),
        (REGULAR, "Құжатқа ЭЦҚ-мен қол қойылған."),
        (REGULAR, "Документ подписан ЭЦП."),
        (REGULAR, "Түпнұсқалығын QR-код арқылы тексеріңіз."),
        (REGULAR, "Подлинность проверяется по QR-коду."),
    ]
    text = canvas.beginText(STAMP_BOX[2] + 14, STAMP_BOX[3] - 10)
    text.setLeading(11)
    for font, line in lines:
        text.setFont(font, 7.5)
        text.textLine(line)
    canvas.drawText(text)


def render_refusal_receipt(data: ReceiptOfRefusal) -> bytes:
    """Render the receipt of refusal as an A4 PDF, Kazakh then Russian, with STAMP_BOX left empty."""
    ensure_fonts()
    paras: list[_Para | None] = [*_header(data), None, *_kazakh(data), None, *_russian(data)]
    top = PAGE_HEIGHT - MARGIN_TOP
    for size in FONT_SIZES:
        lines = _layout(paras, size)
        if sum(gap for gap, _ in lines) <= top - FIRST_PAGE_FLOOR:
            break

    buf = io.BytesIO()
    canvas = new_canvas(buf)
    canvas.setTitle(f"{TITLE_KK} / {TITLE_RU} № {data.receipt_number}")
    canvas.setAuthor(data.centre_name_ru)
    canvas.setSubject(quoted(data.service_name_ru))
    canvas.setCreator("Education e-Services Portal")
    _footer(canvas, data)
    draw_lines(canvas, lines, top, FIRST_PAGE_FLOOR)
    canvas.save()
    return buf.getvalue()
