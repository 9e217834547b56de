"""The result PDF of service 4: the excerpt from the order permitting external study.

The Standard's annex 1 form: an excerpt from the local executive body's order
permitting a student to study in external form (бұйрықтан үзінді / выписка из
приказа), naming whose order it is, its number and its date (``ExcerptData.order``), or, when the request is refused, a reasoned refusal stating its
grounds (дәлелді бас тарту / мотивированный отказ). Kazakh comes first, then
Russian. The bottom-left corner of page 0 is left empty for the signature stamp
(``STAMP_BOX``). Drawn straight onto a reportlab canvas: a few ms per document.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from portal import dates
from portal.documents.canvas import BOLD, REGULAR, TextBlock, ensure_fonts, new_canvas, widths
from portal.documents.result_context import CitedGround, OrderRef
from portal.domain.models.applications import Decision


PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 56.0
MARGIN_TOP = 50.0
MARGIN_BOTTOM = 40.0

STAMP_BOX: tuple[int, int, int, int] = (56, 40, 56 + 260, 40 + 110)
"""Rectangle (x1, y1, x2, y2) on page 0, in points, kept empty for the signature stamp."""

#: the decisions a result states: the domain's own, not spelled again here
DECISIONS = tuple(d.value for d in Decision)


SERVICE_KK = (
    "«Негізгі орта, жалпы орта білім беру ұйымдарында экстернат нысанында оқуға рұқсат беру»"
)
SERVICE_RU = (
    "«Разрешение на обучение в форме экстерната в организациях основного среднего, "
    "общего среднего образования»"
)
STANDARD_KK = (
    "Қазақстан Республикасы Білім және ғылым министрінің 2015 жылғы 8 сәуірдегі № 179 "
    f"бұйрығымен бекітілген {SERVICE_KK} мемлекеттік көрсетілетін қызмет стандартына сәйкес"
)
STANDARD_RU = (
    f"В соответствии со стандартом государственной услуги {SERVICE_RU}, утверждённым "
    "приказом Министра образования и науки Республики Казахстан от 8 апреля 2015 года № 179,"
)


@dataclass(frozen=True)
class ExcerptData:
    """Everything printed on the excerpt (or on the reasoned refusal)."""

    result_number: str
    registration_number: str
    decision: str
    provider_name_kk: str
    provider_name_ru: str
    provider_address: str
    applicant_name: str
    applicant_iin: str
    child_name: str
    child_iin: str
    child_birth_date: date
    school: str
    grade: str
    ground_kk: str
    ground_ru: str
    refusal_grounds: str | None
    head_name: str
    issued_on: date
    #: the department's order this is an excerpt from; a refusal is no order and has none
    order: OrderRef | None = None
    #: the catalog grounds the refusal chose; `refusal_grounds` then holds the explanation
    refusal_reasons: tuple[CitedGround, ...] = ()
    #: how to appeal a refusal, printed under its grounds
    appeal_kk: str = ""
    appeal_ru: str = ""

    def __post_init__(self) -> None:
        """Reject a decision the form cannot print, and an excerpt from no registered order."""
        if self.decision not in DECISIONS:
            raise ValueError(f"decision must be one of {DECISIONS}, got {self.decision!r}")
        if self.decision == Decision.refused and not (self.refusal_grounds or "").strip():
            raise ValueError("a reasoned refusal must state its grounds")
        if self.decision == Decision.permitted and self.order is None:
            raise ValueError("an excerpt needs the order's number and date from the register")


@dataclass(frozen=True)
class _Para:
    """One paragraph: an optional bold label followed by wrapped text."""

    text: str
    label: str = ""
    bold: bool = False
    scale: float = 1.0
    space_before: float = 0.0
    centred: bool = False


def _width(text: str, font: str, size: float) -> float:
    """Measure ``text`` in points from cached glyph advances."""
    return _em_width(text, font) * size / 1000.0


@lru_cache(maxsize=8192)
def _em_width(text: str, font: str) -> float:
    """Return the advance of ``text`` in thousandths of an em (words repeat a lot)."""
    table, default = widths(font)
    get = table.get
    return float(sum(get(ord(c), default) for c in text))


def _d(value: date) -> str:
    """Format a date the way Kazakh official documents print it."""
    return dates.day(value)


#: the words a refusal is printed with, per language: heading, explanation, grounds alone, appeal
_REFUSAL_WORDS = {
    "kk": ("Бас тарту негіздері:", "Түсініктеме: ", "Бас тарту негіздері: ", "Шағымдану тәртібі: "),
    "ru": ("Основания отказа:", "Пояснение: ", "Основания отказа: ", "Порядок обжалования: "),
}


def refusal_paras(grounds: tuple[CitedGround, ...], explanation: str, appeal: str, lang: str) -> list[_Para]:
    """Return a refusal's grounds in one language, each with its citation, then the explanation and the appeal."""
    heading, explained, alone, appealed = _REFUSAL_WORDS[lang]
    if grounds:
        paras = [_Para(heading, bold=True),
                 *(_Para(f"{n}) {getattr(g, 'text_' + lang)} ({getattr(g, 'citation_' + lang)})")
                   for n, g in enumerate(grounds, start=1)),
                 _Para(explanation, label=explained)]
    else:  # a request refused before grounds were chosen from the catalog: its free text alone
        paras = [_Para(explanation, label=alone)]
    return paras + ([_Para(appeal, label=appealed, scale=0.9, space_before=3)] if appeal else [])


def _kazakh(data: ExcerptData) -> list[_Para]:
    """Return the Kazakh part of the document."""
    child = f"{data.child_name}, ЖСН {data.child_iin}, туған күні {_d(data.child_birth_date)}"
    school = f"{data.school}, {data.grade} сынып"
    applicant = f"{data.applicant_name}, ЖСН {data.applicant_iin}"
    if data.decision == Decision.permitted and data.order is not None:
        return [
            _Para("БҰЙРЫҚТАН ҮЗІНДІ", bold=True, scale=1.25, centred=True),
            _Para(data.order.source_kk, bold=True, centred=True),
            _Para("экстернат нысанында оқуға рұқсат беру туралы", centred=True),
            _Para(f"{STANDARD_KK} БҰЙЫРАМЫН:", space_before=6),
            _Para("1. Экстернат нысанында оқуға рұқсат берілсін:", space_before=3),
            _Para(child, label="Білім алушы: "),
            _Para(school, label="Білім беру ұйымы: "),
            _Para(data.ground_kk, label="Негіздеме: "),
            _Para(applicant, label="Өтініш беруші (заңды өкіл): "),
            _Para(data.head_name, label="Басшы: ", space_before=6),
        ]
    return [
        _Para("ДӘЛЕЛДІ БАС ТАРТУ", bold=True, scale=1.25, centred=True),
        _Para(f"{SERVICE_KK} мемлекеттік көрсетілетін қызметін көрсетуден", centred=True),
        _Para(applicant, label="Көрсетілетін қызметті алушы: ", space_before=6),
        _Para(child, label="Білім алушы: "),
        _Para(school, label="Білім беру ұйымы: "),
        _Para(data.ground_kk, label="Көрсетілген негіздеме: "),
        _Para(
            f"{STANDARD_KK} экстернат нысанында оқуға рұқсат беруден бас тартылады.",
            space_before=3,
        ),
        *refusal_paras(data.refusal_reasons, data.refusal_grounds or "", data.appeal_kk, "kk"),
        _Para(data.head_name, label="Басшы: ", space_before=6),
    ]


def _russian(data: ExcerptData) -> list[_Para]:
    """Return the Russian part of the document."""
    child = f"{data.child_name}, ИИН {data.child_iin}, дата рождения {_d(data.child_birth_date)}"
    school = f"{data.school}, {data.grade} класс"
    applicant = f"{data.applicant_name}, ИИН {data.applicant_iin}"
    if data.decision == Decision.permitted and data.order is not None:
        return [
            _Para("ВЫПИСКА ИЗ ПРИКАЗА", bold=True, scale=1.25, centred=True),
            _Para(data.order.source_ru, bold=True, centred=True),
            _Para("о разрешении обучения в форме экстерната", centred=True),
            _Para(f"{STANDARD_RU} ПРИКАЗЫВАЮ:", space_before=6),
            _Para("1. Разрешить обучение в форме экстерната:", space_before=3),
            _Para(child, label="Обучающийся: "),
            _Para(school, label="Организация образования: "),
            _Para(data.ground_ru, label="Основание: "),
            _Para(applicant, label="Заявитель (законный представитель): "),
            _Para(data.head_name, label="Руководитель: ", space_before=6),
        ]
    return [
        _Para("МОТИВИРОВАННЫЙ ОТКАЗ", bold=True, scale=1.25, centred=True),
        _Para(f"в оказании государственной услуги {SERVICE_RU}", centred=True),
        _Para(applicant, label="Услугополучатель: ", space_before=6),
        _Para(child, label="Обучающийся: "),
        _Para(school, label="Организация образования: "),
        _Para(data.ground_ru, label="Заявленное основание: "),
        _Para(f"{STANDARD_RU} в разрешении обучения в форме экстерната отказано.", space_before=3),
        *refusal_paras(data.refusal_reasons, data.refusal_grounds or "", data.appeal_ru, "ru"),
        _Para(data.head_name, label="Руководитель: ", space_before=6),
    ]


def _header(data: ExcerptData) -> list[_Para]:
    """Return the issuing body's header and the document's numbers."""
    return [
        _Para(data.provider_name_kk, bold=True, centred=True),
        _Para(data.provider_name_ru, bold=True, centred=True),
        _Para(data.provider_address, scale=0.9, centred=True),
        _Para(
            f"№ {data.result_number}   ·   {_d(data.issued_on)}   ·   "
            f"Өтініш / Заявка № {data.registration_number}",
            scale=0.9,
            centred=True,
            space_before=4,
        ),
    ]


_Line = tuple[float, list[tuple[str, str]], float]  # (x offset, runs of (font, text), size)


def _split_long(token: str, font: str, size: float, width: float) -> list[str]:
    """Cut a run with no spaces into pieces that fit ``width``, measuring each character once."""
    pieces: list[str] = []
    limit = width * 1000.0 / size  # in thousandths of an em, like the glyph table
    start, used = 0, 0.0
    for i, char in enumerate(token):
        advance = _em_width(char, font)
        if used + advance > limit and i > start:
            pieces.append(token[start:i])
            start, used = i, 0.0
        used += advance
    pieces.append(token[start:])
    return pieces


def _words(text: str, font: str, size: float, width: float) -> list[str]:
    """Split text into words that fit ``width``, keeping "№" with the number after it.

    A run with no spaces wider than the line is cut in one pass over its characters: cutting by
    trying ever shorter prefixes took time cubic in the run's length (a 10,000-character word
    kept a worker busy for minutes).
    """
    words: list[str] = []
    for token in text.split():
        if words and words[-1] == "№" and _width(f"№ {token}", font, size) <= width:
            words[-1] = f"№ {token}"
            continue
        if _width(token, font, size) > width:
            words.extend(_split_long(token, font, size, width))
        else:
            words.append(token)
    return words


def _wrap(para: _Para, size: float, width: float) -> list[_Line]:
    """Break a paragraph into lines that fit ``width`` at font ``size``."""
    size = size * para.scale
    body_font = BOLD if para.bold else REGULAR
    width_of = _width
    lines: list[_Line] = []
    runs: list[tuple[str, str]] = []
    used = 0.0
    if para.label:
        runs.append((BOLD, para.label))
        used = width_of(para.label, BOLD, size)
    current = ""
    space = width_of(" ", body_font, size)
    for word in _words(para.text, body_font, size, width):
        w = width_of(word, body_font, size)
        extra = (space if current else 0.0) + w
        if used + extra > width and (current or runs):
            runs.append((body_font, current))
            lines.append((0.0, runs, size))
            runs, used, current = [], 0.0, ""
            extra = w
        current = f"{current} {word}" if current else word
        used += extra
    runs.append((body_font, current))
    lines.append((0.0, runs, size))
    if para.centred:
        lines = [((width - sum(width_of(t, f, s) for f, t in r)) / 2, r, s) for _, r, s in lines]
    return lines


def _layout(paras: list[_Para | None], size: float) -> list[tuple[float, _Line | None]]:
    """Turn paragraphs into (gap before, line) pairs; ``None`` draws a rule."""
    width = PAGE_WIDTH - 2 * MARGIN_X
    out: list[tuple[float, _Line | None]] = []
    for para in paras:
        if para is None:
            out.append((size * 0.8, None))
            continue
        for i, line in enumerate(_wrap(para, size, width)):
            out.append(((para.space_before if i == 0 else 0.0) + line[2] * 1.3, line))
    return out


def draw_lines(canvas: Canvas, lines: list, top: float, first_page_floor: float) -> None:
    """Draw laid-out lines page by page; None draws a rule. The first page stops above the stamp."""
    y, floor = top, first_page_floor
    text = TextBlock(canvas)
    for gap, line in lines:
        if y - gap < floor:
            text.show()
            canvas.showPage()
            y, floor = top, MARGIN_BOTTOM
        y -= gap
        if line is None:
            canvas.setLineWidth(0.6)
            canvas.line(MARGIN_X, y + 3, PAGE_WIDTH - MARGIN_X, y + 3)
            continue
        x, runs, size = line
        text.line(MARGIN_X + x, y, runs, size)
    text.show()
    canvas.showPage()


def _footer(canvas: Canvas, data: ExcerptData) -> None:
    """Print the numbers and the e-signature note to the right of the stamp box."""
    x = STAMP_BOX[2] + 14
    y = STAMP_BOX[3] - 10
    lines = [
        (BOLD, f"Нәтиже / Результат № {data.result_number}"),
        (REGULAR, f"Өтініш / Заявка № {data.registration_number}"),
        (REGULAR, "Құжатқа ЭЦҚ-мен қол қойылған."),
        (REGULAR, "Документ подписан ЭЦП."),
        (REGULAR, "Түпнұсқалығын QR-код арқылы тексеріңіз."),
        (REGULAR, "Подлинность проверяется по QR-коду."),
    ]
    text_obj = canvas.beginText(x, y)
    text_obj.setLeading(11)
    for font, text in lines:
        text_obj.setFont(font, 7.5)
        text_obj.textLine(text)
    canvas.drawText(text_obj)


def render_excerpt(data: ExcerptData) -> bytes:
    """Render the excerpt (or the reasoned refusal) as an A4 PDF (one page unless the text is very long)."""
    ensure_fonts()
    paras: list[_Para | None] = [*_header(data), None, *_kazakh(data), None, *_russian(data)]
    top = PAGE_HEIGHT - MARGIN_TOP
    first_page_floor: float = STAMP_BOX[3] + 16.0
    for size in (10.5, 10.0, 9.5, 9.0, 8.5, 8.0):
        lines = _layout(paras, size)
        if sum(gap for gap, _ in lines) <= top - first_page_floor:
            break

    buf = io.BytesIO()
    canvas = new_canvas(buf)
    title = "Бұйрықтан үзінді / Выписка из приказа" if data.decision == Decision.permitted else (
        "Дәлелді бас тарту / Мотивированный отказ"
    )
    canvas.setTitle(f"{title} № {data.result_number}")
    canvas.setAuthor(data.provider_name_ru)
    canvas.setSubject(f"{SERVICE_RU}; заявка № {data.registration_number}")
    canvas.setCreator("Education e-Services Portal")

    _footer(canvas, data)
    draw_lines(canvas, lines, top, first_page_floor)
    canvas.save()
    return buf.getvalue()
