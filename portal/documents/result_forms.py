"""The result documents of the TVET certificate, TVET transfer/re-admission and teacher attestation.

Each template turns a ``ResultContext`` into an A4 PDF: Kazakh first, then Russian,
``STAMP_BOX`` left empty for the signature stamp. A refused decision prints the
reasoned refusal (дәлелді бас тарту / мотивированный отказ) with its grounds instead.

- ``render_tvet_certificate``: АНЫҚТАМА / СПРАВКА in the spirit of the form approved by the
  Minister's order No. 289 of 12.06.2009: to whom, where they studied, and the executor's
  ``result_lines`` (period, speciality, what was completed, the expulsion order).
- ``render_tvet_order``: the college's БҰЙРЫҚ / ПРИКАЗ transferring or re-admitting the student
  (see ``is_readmission``), numbered and dated from the college's order register (``ctx.order``),
  with the request's and the executor's lines.
- ``render_attestation_receipt``: ҚОЛХАТ / РАСПИСКА that the documents for attestation were
  accepted, listing each document with its file name, the date and the registration number.

The headings are the templates' own; ``ctx.result_title_*`` is not printed as a heading.
"""

from __future__ import annotations

from portal.documents.result_context import OrderRef, ResultContext
from portal.documents.result_page import (
    Para,
    applicant_kk,
    applicant_ru,
    date_text,
    documents_kk,
    documents_ru,
    lines_kk,
    lines_ru,
    quoted,
    refusal_kk,
    refusal_ru,
    render_document,
    signer_kk,
    signer_ru,
    title,
)

REFUSAL_TITLE = "Дәлелді бас тарту / Мотивированный отказ"
READMISSION_VALUES = frozenset({"readmission", "re_admission", "re-admission", "restore", "restoration"})


def _granted_kk(ctx: ResultContext) -> list[Para]:
    """Return the Kazakh decision line, when the service names its grant."""
    return [Para(ctx.granted_kk, label="Шешім: ", space_before=3)] if ctx.granted_kk.strip() else []


def _granted_ru(ctx: ResultContext) -> list[Para]:
    """Return the Russian decision line, when the service names its grant."""
    return [Para(ctx.granted_ru, label="Решение: ", space_before=3)] if ctx.granted_ru.strip() else []


def _standard_kk(ctx: ResultContext) -> str:
    """Return the Kazakh reference to the service's Standard."""
    return f"{quoted(ctx.service_name_kk)} мемлекеттік көрсетілетін қызмет стандартына сәйкес"


def _standard_ru(ctx: ResultContext) -> str:
    """Return the Russian reference to the service's Standard."""
    return f"В соответствии со стандартом государственной услуги {quoted(ctx.service_name_ru)}"


# --- АНЫҚТАМА / СПРАВКА ------------------------------------------------------------------------

FORM_289_KK = (
    "Қазақстан Республикасы Білім және ғылым министрінің 2009 жылғы 12 маусымдағы № 289 "
    "бұйрығымен бекітілген нысан бойынша"
)
FORM_289_RU = (
    "по форме, утверждённой приказом Министра образования и науки Республики Казахстан "
    "от 12 июня 2009 года № 289"
)


def _certificate_kk(ctx: ResultContext) -> list[Para]:
    """Return the Kazakh certificate of studies not completed."""
    return [
        *title("АНЫҚТАМА", FORM_289_KK),
        Para(
            "Осы анықтама төменде көрсетілген адамның аталған білім беру ұйымында шынымен де "
            "оқығанын растайды.",
            space_before=6,
        ),
        Para(applicant_kk(ctx), label="Кімге берілді: ", space_before=3),
        Para(ctx.provider_name_kk, label="Білім беру ұйымы: "),
        *lines_kk(ctx.result_lines),
        Para("Анықтама талап етілген жеріне ұсыну үшін берілді.", space_before=3),
        *_granted_kk(ctx),
        signer_kk(ctx),
    ]


def _certificate_ru(ctx: ResultContext) -> list[Para]:
    """Return the Russian certificate of studies not completed."""
    return [
        *title("СПРАВКА", FORM_289_RU),
        Para(
            f"Дана {applicant_ru(ctx)}, в том, что он(а) действительно обучался(-ась) "
            f"в {ctx.provider_name_ru}.",
            space_before=6,
        ),
        *lines_ru(ctx.result_lines, space_before=3),
        Para("Справка выдана для предъявления по месту требования.", space_before=3),
        *_granted_ru(ctx),
        signer_ru(ctx),
    ]


def render_tvet_certificate(ctx: ResultContext) -> bytes:
    """Render the certificate to a person who did not complete TVET (or the reasoned refusal)."""
    if ctx.refused:
        return render_document(ctx, refusal_kk(ctx), refusal_ru(ctx), REFUSAL_TITLE)
    return render_document(ctx, _certificate_kk(ctx), _certificate_ru(ctx), "Анықтама / Справка")


# --- БҰЙРЫҚ / ПРИКАЗ ----------------------------------------------------------------------------


def is_readmission(ctx: ResultContext) -> bool:
    """Tell re-admission from transfer: by the sub-flow's title, else by a raw form value."""
    words = " ".join(filter(None, (ctx.subflow_kk, ctx.subflow_ru))).lower()
    if "восстанов" in words or "қайта қабылда" in words:
        return True
    if "перев" in words or "ауыстыр" in words:
        return False
    return any(str(value).strip().lower() in READMISSION_VALUES for value in ctx.form.values())


def _registered_order(ctx: ResultContext) -> OrderRef:
    """Return the order's number and date from the provider's register; an order is not issued without them."""
    if ctx.order is None:
        raise ValueError(f"result template {ctx.template!r} needs the order's number and date (ctx.order)")
    return ctx.order


def _order_kk(ctx: ResultContext) -> list[Para]:
    """Return the Kazakh order on transfer or re-admission."""
    readmit = is_readmission(ctx)
    subject = "білім алушыны қайта қабылдау туралы" if readmit else "білім алушыны ауыстыру туралы"
    verb = "қайта қабылдансын" if readmit else "ауыстырылсын"
    return [
        Para("БҰЙРЫҚ", bold=True, scale=1.25, centred=True),
        Para(_registered_order(ctx).number_kk, bold=True, centred=True),
        Para(subject, centred=True),
        Para(
            f"{_standard_kk(ctx)}, білім алушының № {ctx.registration_number} өтініші негізінде "
            "БҰЙЫРАМЫН:",
            space_before=6,
        ),
        Para(f"1. Төменде көрсетілген білім алушы {verb}:", space_before=3),
        Para(applicant_kk(ctx), label="Білім алушы: "),
        *lines_kk(ctx.request_lines),
        *lines_kk(ctx.result_lines),
        Para(
            f"білім алушының № {ctx.registration_number} өтініші.",
            label="2. Негіздеме: ",
            space_before=3,
        ),
        *_granted_kk(ctx),
        signer_kk(ctx),
    ]


def _order_ru(ctx: ResultContext) -> list[Para]:
    """Return the Russian order on transfer or re-admission."""
    readmit = is_readmission(ctx)
    subject = "о восстановлении обучающегося" if readmit else "о переводе обучающегося"
    verb = "Восстановить" if readmit else "Перевести"
    return [
        Para("ПРИКАЗ", bold=True, scale=1.25, centred=True),
        Para(_registered_order(ctx).number_ru, bold=True, centred=True),
        Para(subject, centred=True),
        Para(
            f"{_standard_ru(ctx)}, на основании заявления обучающегося № {ctx.registration_number} "
            "ПРИКАЗЫВАЮ:",
            space_before=6,
        ),
        Para(f"1. {verb} обучающегося:", space_before=3),
        Para(applicant_ru(ctx), label="Обучающийся: "),
        *lines_ru(ctx.request_lines),
        *lines_ru(ctx.result_lines),
        Para(
            f"заявление обучающегося № {ctx.registration_number}.",
            label="2. Основание: ",
            space_before=3,
        ),
        *_granted_ru(ctx),
        signer_ru(ctx),
    ]


def render_tvet_order(ctx: ResultContext) -> bytes:
    """Render the college's order on transfer or re-admission (or the reasoned refusal)."""
    if ctx.refused:
        return render_document(ctx, refusal_kk(ctx), refusal_ru(ctx), REFUSAL_TITLE)
    return render_document(ctx, _order_kk(ctx), _order_ru(ctx), "Бұйрық / Приказ")


# --- ҚОЛХАТ / РАСПИСКА --------------------------------------------------------------------------


def _receipt_kk(ctx: ResultContext) -> list[Para]:
    """Return the Kazakh receipt that the attestation documents were accepted."""
    return [
        *title(
            "ҚОЛХАТ",
            "педагогтерге біліктілік санатын беру (растау) үшін аттестаттаудан өткізуге "
            "құжаттардың қабылданғаны туралы",
        ),
        Para(applicant_kk(ctx), label="Құжаттарды тапсырған: ", space_before=6),
        *lines_kk(ctx.request_lines),
        *lines_kk(ctx.result_lines),
        Para("Келесі құжаттар қабылданды:", bold=True, space_before=3),
        *documents_kk(ctx.documents),
        Para(date_text(ctx.issued_on), label="Қабылданған күні: ", space_before=3),
        Para(ctx.registration_number, label="Тіркеу нөмірі: "),
        *_granted_kk(ctx),
        signer_kk(ctx),
    ]


def _receipt_ru(ctx: ResultContext) -> list[Para]:
    """Return the Russian receipt that the attestation documents were accepted."""
    return [
        *title(
            "РАСПИСКА",
            "о приёме документов для прохождения аттестации на присвоение (подтверждение) "
            "квалификационной категории",
        ),
        Para(applicant_ru(ctx), label="Документы сдал(а): ", space_before=6),
        *lines_ru(ctx.request_lines),
        *lines_ru(ctx.result_lines),
        Para("Приняты следующие документы:", bold=True, space_before=3),
        *documents_ru(ctx.documents),
        Para(date_text(ctx.issued_on), label="Дата приёма: ", space_before=3),
        Para(ctx.registration_number, label="Регистрационный номер: "),
        *_granted_ru(ctx),
        signer_ru(ctx),
    ]


def render_attestation_receipt(ctx: ResultContext) -> bytes:
    """Render the receipt for the attestation documents (or the reasoned refusal)."""
    if ctx.refused:
        return render_document(ctx, refusal_kk(ctx), refusal_ru(ctx), REFUSAL_TITLE)
    return render_document(ctx, _receipt_kk(ctx), _receipt_ru(ctx), "Қолхат / Расписка")
