"""The page every result template shares: header, labelled lines, reasoned refusal, stamp box.

Templates describe their text as paragraphs (Kazakh first, then Russian) and hand them
to ``render_document``, which fits them on A4 above ``STAMP_BOX`` like ``render_excerpt``
does: the font shrinks step by step until page 0 holds everything, and only very long
text flows on to further pages (where the whole height is free). Fonts, wrapping and
measuring come from ``render.py``.
"""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from portal.documents.canvas import BOLD, REGULAR, ensure_fonts, new_canvas
from portal.documents.render import (
    draw_lines,
    refusal_paras,
    MARGIN_TOP,
    PAGE_HEIGHT,
    STAMP_BOX,
    _d,
    _layout,
    _Para,
)
from portal.documents.result_context import Line, ResultContext

Para = _Para
FONT_SIZES = (10.5, 10.0, 9.5, 9.0, 8.5, 8.0)
FIRST_PAGE_FLOOR = STAMP_BOX[3] + 16.0
REFUSAL_KK = "ДӘЛЕЛДІ БАС ТАРТУ"
REFUSAL_RU = "МОТИВИРОВАННЫЙ ОТКАЗ"
EMPTY = "—"

date_text = _d


def quoted(name: str) -> str:
    """Return a service name in «guillemets», unless it already has them."""
    name = name.strip()
    return name if name.startswith("«") else f"«{name}»"


def header(ctx: ResultContext) -> list[_Para]:
    """Return the issuing organisation's header and the document's numbers."""
    return [
        _Para(ctx.provider_name_kk, bold=True, centred=True),
        _Para(ctx.provider_name_ru, bold=True, centred=True),
        _Para(ctx.provider_address, scale=0.9, centred=True),
        _Para(
            f"№ {ctx.result_number}   ·   {_d(ctx.issued_on)}   ·   "
            f"Өтініш / Заявка № {ctx.registration_number}",
            scale=0.9,
            centred=True,
            space_before=4,
        ),
    ]


def title(word: str, subtitle: str) -> list[_Para]:
    """Return a document's bold centred title word and its centred subtitle."""
    return [_Para(word, bold=True, scale=1.25, centred=True), _Para(subtitle, centred=True)]


def lines_kk(lines: tuple[Line, ...], space_before: float = 0.0) -> list[_Para]:
    """Return labelled lines with their Kazakh labels."""
    return [
        _Para(line.value.strip() or EMPTY, label=f"{line.label_kk}: ", space_before=space_before if i == 0 else 0.0)
        for i, line in enumerate(lines)
    ]


def lines_ru(lines: tuple[Line, ...], space_before: float = 0.0) -> list[_Para]:
    """Return labelled lines with their Russian labels."""
    return [
        _Para(line.value.strip() or EMPTY, label=f"{line.label_ru}: ", space_before=space_before if i == 0 else 0.0)
        for i, line in enumerate(lines)
    ]


def documents_kk(documents: tuple[Line, ...]) -> list[_Para]:
    """Return the numbered list of documents received, titled in Kazakh, with their file names."""
    if not documents:
        return [_Para(EMPTY)]
    return [_Para(f"{n}. {doc.label_kk} — {doc.value}") for n, doc in enumerate(documents, start=1)]


def documents_ru(documents: tuple[Line, ...]) -> list[_Para]:
    """Return the numbered list of documents received, titled in Russian, with their file names."""
    if not documents:
        return [_Para(EMPTY)]
    return [_Para(f"{n}. {doc.label_ru} — {doc.value}") for n, doc in enumerate(documents, start=1)]


def applicant_kk(ctx: ResultContext) -> str:
    """Return the applicant as printed in Kazakh."""
    return f"{ctx.applicant_name}, ЖСН {ctx.applicant_iin}"


def applicant_ru(ctx: ResultContext) -> str:
    """Return the applicant as printed in Russian."""
    return f"{ctx.applicant_name}, ИИН {ctx.applicant_iin}"


def signer_kk(ctx: ResultContext) -> _Para:
    """Return the signer's line in Kazakh."""
    return _Para(ctx.signer_name, label=f"{ctx.signer_role_kk or 'Басшы'}: ", space_before=6)


def signer_ru(ctx: ResultContext) -> _Para:
    """Return the signer's line in Russian."""
    return _Para(ctx.signer_name, label=f"{ctx.signer_role_ru or 'Руководитель'}: ", space_before=6)


def refusal_kk(ctx: ResultContext) -> list[_Para]:
    """Return the Kazakh reasoned refusal: who asked, what was stated, why it is refused."""
    service = quoted(ctx.service_name_kk)
    paras = [
        *title(REFUSAL_KK, f"{service} мемлекеттік көрсетілетін қызметін көрсетуден"),
        _Para(applicant_kk(ctx), label="Көрсетілетін қызметті алушы: ", space_before=6),
        *lines_kk(ctx.request_lines),
        *lines_kk(ctx.result_lines),
    ]
    if ctx.documents:
        paras += [_Para("Ұсынылған құжаттар:", bold=True, space_before=3), *documents_kk(ctx.documents)]
    return [
        *paras,
        _Para(f"{service} мемлекеттік көрсетілетін қызметін көрсетуден бас тартылады.", space_before=3),
        *refusal_paras(ctx.refusal_reasons, ctx.refusal_grounds or "", ctx.appeal_kk, "kk"),
        signer_kk(ctx),
    ]


def refusal_ru(ctx: ResultContext) -> list[_Para]:
    """Return the Russian reasoned refusal: who asked, what was stated, why it is refused."""
    service = quoted(ctx.service_name_ru)
    paras = [
        *title(REFUSAL_RU, f"в оказании государственной услуги {service}"),
        _Para(applicant_ru(ctx), label="Услугополучатель: ", space_before=6),
        *lines_ru(ctx.request_lines),
        *lines_ru(ctx.result_lines),
    ]
    if ctx.documents:
        paras += [_Para("Представленные документы:", bold=True, space_before=3), *documents_ru(ctx.documents)]
    return [
        *paras,
        _Para(f"В оказании государственной услуги {service} отказано.", space_before=3),
        *refusal_paras(ctx.refusal_reasons, ctx.refusal_grounds or "", ctx.appeal_ru, "ru"),
        signer_ru(ctx),
    ]


def _footer(canvas: Canvas, ctx: ResultContext) -> None:
    """Print the numbers and the e-signature note to the right of the stamp box."""
    lines = [
        (BOLD, f"Нәтиже / Результат № {ctx.result_number}"),
        (REGULAR, f"Өтініш / Заявка № {ctx.registration_number}"),
        (REGULAR, "Құжатқа ЭЦҚ-мен қол қойылған."),
        (REGULAR, "Документ подписан ЭЦП."),
        (REGULAR, "Түпнұсқалығын QR-код арқылы тексеріңіз."),
        (REGULAR, "Подлинность проверяется по QR-коду."),
    ]
    text_obj = canvas.beginText(STAMP_BOX[2] + 14, STAMP_BOX[3] - 10)
    text_obj.setLeading(11)
    for font, text in lines:
        text_obj.setFont(font, 7.5)
        text_obj.textLine(text)
    canvas.drawText(text_obj)


def render_document(ctx: ResultContext, kazakh: list[_Para], russian: list[_Para], doc_title: str) -> bytes:
    """Render the header, the Kazakh and the Russian parts as an A4 PDF with STAMP_BOX left empty."""
    ensure_fonts()
    paras: list[_Para | None] = [*header(ctx), None, *kazakh, None, *russian]
    top = PAGE_HEIGHT - MARGIN_TOP
    for size in FONT_SIZES:
        lines = _layout(paras, size)
        if sum(gap for gap, _ in lines) <= top - FIRST_PAGE_FLOOR:
            break

    buf = io.BytesIO()
    canvas = new_canvas(buf)
    canvas.setTitle(f"{doc_title} № {ctx.result_number}")
    canvas.setAuthor(ctx.provider_name_ru)
    canvas.setSubject(f"{quoted(ctx.service_name_ru)}; заявка № {ctx.registration_number}")
    canvas.setCreator("Education e-Services Portal")

    _footer(canvas, ctx)
    draw_lines(canvas, lines, top, FIRST_PAGE_FLOOR)
    canvas.save()
    return buf.getvalue()
