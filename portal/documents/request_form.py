"""The application PDF a citizen signs: an "өтініш / заявление" to the service provider.

The applicant asks the provider for a service; the request's fields are printed as
labelled lines, whatever the service. Kazakh comes first, then Russian, then a table of the attached
scans with each file's name, size and full SHA-256: the citizen's EDS covers
this PDF, and through the hashes it covers the scans too. The signature is
invisible, so no area is kept free for a stamp. Fonts, wrapping and measuring
come from ``render.py``; drawn straight onto a reportlab canvas.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from portal import dates
from portal.documents.canvas import BOLD, REGULAR, ensure_fonts, new_canvas
from portal.documents.render import (
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    _layout,
    _Line,
    _Para,
    _width,
    _words,
)
from portal.documents.result_context import Line
from portal.documents.result_page import quoted

BODY_SIZE = 9.5
TABLE_SIZE = 7.5
TABLE_LEADING = 9.5
CELL_PAD = 3.0
FOOTER_SIZE = 7.0
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
# column widths of the attachment table: №, document, file name, size (the hash spans the last three)
COLUMNS: tuple[float, ...] = (20.0, 200.0, 195.0, CONTENT_WIDTH - 415.0)
FLOOR = MARGIN_BOTTOM + 14.0  # the page footer sits below this

SIGNED_NOTE_KK = "Өтінішке өтініш берушінің ЭЦҚ-мен қол қойылған."
SIGNED_NOTE_RU = "Заявление подписано ЭЦП заявителя."
#: what an application filed at a State Corporation centre says of its signature
OPERATOR_NOTE_KK = "Өтінішке Мемлекеттік корпорация операторының ЭЦҚ-мен қол қойылған."
OPERATOR_NOTE_RU = "Заявление подписано ЭЦП оператора Государственной корпорации."
CONSENT_LABEL_KK = "Келісім: "
CONSENT_LABEL_RU = "Согласие: "
NO_CONSENT_KK = "Заңмен қорғалатын құпияны қамтитын мәліметтерді пайдалануға келісім берілмеген."
NO_CONSENT_RU = "Согласие на использование сведений, составляющих охраняемую законом тайну, не дано."
HASH_NOTE = (
    "Файлдардың SHA-256 хэштері қол қойылатын мәтінге енгізілген, сондықтан ЭЦҚ файлдардың өзін де "
    "қамтиды. / Хэши SHA-256 файлов входят в подписываемый текст, поэтому ЭЦП распространяется и на "
    "сами файлы."
)

_SHA256_RE = re.compile(r"^[0-9a-fA-F]{64}$")


@dataclass(frozen=True)
class AttachmentLine:
    """One attached file as listed in the application."""

    title_kk: str
    title_ru: str
    filename: str
    sha256: str
    size: int

    def __post_init__(self) -> None:
        """Reject a hash or size that cannot identify a file."""
        if not _SHA256_RE.match(self.sha256):
            raise ValueError(f"sha256 must be 64 hex digits, got {self.sha256!r}")
        if self.size < 0:
            raise ValueError("size must not be negative")


@dataclass(frozen=True)
class ConsentLine:
    """The consent to use legally protected data, as given: its words, when and by whom."""

    text_kk: str
    text_ru: str
    given_at: datetime
    given_by: str


@dataclass(frozen=True)
class RequestFormData:
    """Everything printed on the application."""

    service_name_kk: str
    service_name_ru: str
    provider_name_kk: str
    provider_name_ru: str
    provider_address: str
    applicant_name: str
    applicant_iin: str
    applicant_phone: str
    applicant_email: str
    lines: tuple[Line, ...]
    attachments: tuple[AttachmentLine, ...]
    draft_reference: str
    prepared_at: datetime
    #: the consent the request holds; None prints that none was given (the portal signs none such)
    consent: ConsentLine | None = None
    #: True when a State Corporation operator signs it on the applicant's behalf
    signed_by_operator: bool = False

    @property
    def signed_note(self) -> tuple[str, str]:
        """Return who signs the application, in Kazakh and Russian."""
        return (OPERATOR_NOTE_KK, OPERATOR_NOTE_RU) if self.signed_by_operator else (SIGNED_NOTE_KK, SIGNED_NOTE_RU)


_Draw = Callable[[Canvas, float], None]


@dataclass(frozen=True)
class _Block:
    """A slice of the page flow: its height and how to draw it below a top edge."""

    height: float
    draw: _Draw
    kind: str = "text"  # "text", "rule", "table_head" or "row"


def _stamp(moment: datetime) -> str:
    """Format the preparation time."""
    return dates.minute(moment)


def _size(size: int) -> str:
    """Format a file size in bytes with thin groups (same word in both languages)."""
    return f"{size:,}".replace(",", "\u00a0") + "\u00a0байт"


def _header(data: RequestFormData) -> list[_Para]:
    """Return the addressee, the applicant and the draft reference."""
    return [
        _Para(f"{data.provider_name_kk} / {data.provider_name_ru}", label="Кімге / Кому: "),
        _Para(data.provider_address, label="Мекенжайы / Адрес: ", scale=0.9),
        _Para(f"{data.applicant_name}, ЖСН / ИИН {data.applicant_iin}", label="Кімнен / От кого: "),
        _Para(f"тел. {data.applicant_phone}, {data.applicant_email}", label="Байланыс / Контакты: "),
        _Para(
            f"{data.draft_reference}, {_stamp(data.prepared_at)}",
            label="Өтініш жобасы / Проект заявления: ",
            scale=0.9,
            space_before=3,
        ),
        _Para(
            "Тіркеу нөмірі өтініш жіберілгеннен кейін беріледі. / "
            "Регистрационный номер присваивается после подачи заявления.",
            scale=0.85,
        ),
    ]


def _lines(lines: tuple[Line, ...], kazakh: bool) -> list[_Para]:
    """Return the request's fields as "label: value" paragraphs in one language."""
    paras = [
        _Para(line.value.strip() or "—", label=f"{line.label_kk if kazakh else line.label_ru}: ")
        for line in lines
    ]
    if paras:
        paras[0] = replace(paras[0], space_before=3)
    return paras


def _consent_kk(consent: ConsentLine | None) -> _Para:
    """Return the consent as given, in Kazakh: the words agreed to, then who gave it and when."""
    if consent is None:
        return _Para(NO_CONSENT_KK, space_before=3)
    given = f"келісім берген: {consent.given_by}, {_stamp(consent.given_at)}"
    return _Para(f"{consent.text_kk} ({given})", label=CONSENT_LABEL_KK, space_before=3)


def _consent_ru(consent: ConsentLine | None) -> _Para:
    """Return the consent as given, in Russian: the words agreed to, then who gave it and when."""
    if consent is None:
        return _Para(NO_CONSENT_RU, space_before=3)
    given = f"согласие дал(а): {consent.given_by}, {_stamp(consent.given_at)}"
    return _Para(f"{consent.text_ru} ({given})", label=CONSENT_LABEL_RU, space_before=3)


def _kazakh(data: RequestFormData) -> list[_Para]:
    """Return the Kazakh part of the application."""
    return [
        _Para("ӨТІНІШ", bold=True, scale=1.25, centred=True),
        _Para(quoted(data.service_name_kk), centred=True),
        _Para(
            f"{quoted(data.service_name_kk)} мемлекеттік көрсетілетін қызметін көрсетуіңізді сұраймын.",
            space_before=6,
        ),
        *_lines(data.lines, kazakh=True),
        _Para(f"{data.applicant_name}, ЖСН {data.applicant_iin}", label="Өтініш беруші: "),
        _Para(
            f"{len(data.attachments)} файл, тізімі төменде берілген.",
            label="Қоса берілген құжаттар: ",
        ),
        _consent_kk(data.consent),
        _Para(data.signed_note[0], bold=True, space_before=3),
    ]


def _russian(data: RequestFormData) -> list[_Para]:
    """Return the Russian part of the application."""
    return [
        _Para("ЗАЯВЛЕНИЕ", bold=True, scale=1.25, centred=True),
        _Para(quoted(data.service_name_ru), centred=True),
        _Para(f"Прошу оказать государственную услугу {quoted(data.service_name_ru)}.", space_before=6),
        *_lines(data.lines, kazakh=False),
        _Para(f"{data.applicant_name}, ИИН {data.applicant_iin}", label="Заявитель: "),
        _Para(
            f"файлов: {len(data.attachments)}, перечень приведён ниже.",
            label="Прилагаемые документы: ",
        ),
        _consent_ru(data.consent),
        _Para(data.signed_note[1], bold=True, space_before=3),
    ]


def _draw_line(canvas: Canvas, y: float, line: _Line) -> None:
    """Draw one laid-out line with its baseline at ``y``."""
    x, runs, size = line
    text = canvas.beginText(MARGIN_X + x, y)
    for font, chunk in runs:
        text.setFont(font, size)
        text.textOut(chunk)
    canvas.drawText(text)


def _text_blocks(paras: list[_Para | None]) -> list[_Block]:
    """Lay out paragraphs (``None`` is a rule) as flow blocks."""
    blocks: list[_Block] = []
    for gap, line in _layout(paras, BODY_SIZE):
        if line is None:

            def rule(canvas: Canvas, top: float, gap: float = gap) -> None:
                """Draw a horizontal rule."""
                canvas.setLineWidth(0.6)
                canvas.line(MARGIN_X, top - gap + 3, PAGE_WIDTH - MARGIN_X, top - gap + 3)

            blocks.append(_Block(gap, rule, "rule"))
        else:

            def text(canvas: Canvas, top: float, gap: float = gap, line: _Line = line) -> None:
                """Draw a line of text."""
                _draw_line(canvas, top - gap, line)

            blocks.append(_Block(gap, text))
    return blocks


def _cell(text: str, font: str, width: float) -> list[str]:
    """Wrap cell text into lines that fit ``width`` at the table size."""
    lines: list[str] = []
    current = ""
    for word in _words(text, font, TABLE_SIZE, width):
        candidate = f"{current} {word}" if current else word
        if current and _width(candidate, font, TABLE_SIZE) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    return lines


def _row(cells: list[tuple[str, str]], hash_text: str | None, kind: str) -> _Block:
    """Build one table row: wrapped cells, and under them an optional full-width hash line."""
    wrapped = [_cell(text, font, width - 2 * CELL_PAD) for (font, text), width in zip(cells, COLUMNS)]
    upper = max(len(lines) for lines in wrapped) * TABLE_LEADING + 2 * CELL_PAD
    lower = TABLE_LEADING + 2 * CELL_PAD if hash_text is not None else 0.0
    height = upper + lower

    def draw(canvas: Canvas, top: float) -> None:
        """Draw the row's borders and text."""
        canvas.setLineWidth(0.5)
        canvas.rect(MARGIN_X, top - height, CONTENT_WIDTH, height)
        x = MARGIN_X
        for i, ((font, _text), width, lines) in enumerate(zip(cells, COLUMNS, wrapped)):
            if i:
                bottom = top - upper if i > 1 and hash_text is not None else top - height
                canvas.line(x, top, x, bottom)
            text = canvas.beginText(x + CELL_PAD, top - CELL_PAD - TABLE_SIZE)
            text.setFont(font, TABLE_SIZE)
            text.setLeading(TABLE_LEADING)
            for line in lines:
                text.textLine(line)
            canvas.drawText(text)
            x += width
        if hash_text is not None:
            left = MARGIN_X + COLUMNS[0]
            canvas.line(left, top - upper, MARGIN_X + CONTENT_WIDTH, top - upper)
            canvas.setFont(REGULAR, TABLE_SIZE)
            canvas.drawString(left + CELL_PAD, top - upper - CELL_PAD - TABLE_SIZE, hash_text)

    return _Block(height, draw, kind)


def _table_head() -> _Block:
    """Return the header row of the attachment table."""
    titles = ["№", "Құжат / Документ", "Файл", "Көлемі / Размер"]
    return _row([(BOLD, t) for t in titles], None, "table_head")


def _table(data: RequestFormData) -> list[_Block]:
    """Return the caption, header and rows of the attachment table."""
    caption = _text_blocks(
        [_Para("Қоса берілетін құжаттар / Прилагаемые документы", bold=True, space_before=4)]
    )
    if not data.attachments:
        return [*caption, *_text_blocks([_Para("Қоса берілген файлдар жоқ. / Приложений нет.")])]
    rows = [
        _row(
            [
                (REGULAR, f"{n}"),
                (REGULAR, f"{item.title_kk} / {item.title_ru}"),
                (REGULAR, item.filename),
                (REGULAR, _size(item.size)),
            ],
            f"SHA-256: {item.sha256.lower()}",
            "row",
        )
        for n, item in enumerate(data.attachments, start=1)
    ]
    spacer = _Block(4.0, lambda canvas, top: None)
    return [*caption, spacer, _table_head(), *rows]


def _paginate(blocks: list[_Block]) -> list[list[tuple[float, _Block]]]:
    """Place blocks on pages; a table row moved to a new page gets the header again."""
    top = PAGE_HEIGHT - MARGIN_TOP
    pages: list[list[tuple[float, _Block]]] = [[]]
    y = top
    head = _table_head()
    for block in blocks:
        if y - block.height < FLOOR and pages[-1]:
            pages.append([])
            y = top
            if block.kind == "rule":
                continue
            if block.kind == "row":
                pages[-1].append((y, head))
                y -= head.height
        pages[-1].append((y, block))
        y -= block.height
    return pages


def _footer(canvas: Canvas, data: RequestFormData, page: int, pages: int) -> None:
    """Print the draft reference, the EDS note and the page number at the foot of a page."""
    canvas.setFont(REGULAR, FOOTER_SIZE)
    canvas.drawString(
        MARGIN_X, MARGIN_BOTTOM, f"{data.draft_reference} · {data.signed_note[0]} / {data.signed_note[1]}"
    )
    canvas.drawRightString(PAGE_WIDTH - MARGIN_X, MARGIN_BOTTOM, f"{page} / {pages}")


def render_request_form(data: RequestFormData) -> bytes:
    """Render the application as an A4 PDF with embedded DejaVu fonts."""
    ensure_fonts()
    paras: list[_Para | None] = [*_header(data), None, *_kazakh(data), None, *_russian(data), None]
    note = _Para(HASH_NOTE, scale=0.85, space_before=4)
    blocks = [*_text_blocks(paras), *_table(data), *_text_blocks([note])]
    pages = _paginate(blocks)

    buf = io.BytesIO()
    canvas = new_canvas(buf)
    canvas.setTitle(f"Өтініш / Заявление — {data.draft_reference}")
    canvas.setAuthor(data.applicant_name)
    canvas.setSubject(data.service_name_ru)
    canvas.setCreator("Education e-Services Portal")
    for number, placed in enumerate(pages, start=1):
        for top, block in placed:
            block.draw(canvas, top)
        _footer(canvas, data, number, len(pages))
        canvas.showPage()
    canvas.save()
    return buf.getvalue()
