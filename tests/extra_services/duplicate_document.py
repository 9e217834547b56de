"""A fifth service, held only in this test file: a duplicate of an education document.

It proves that adding a regulation means adding a catalog entry and its result template — the
workflow engine, the forms and the views stay as they are.
"""
from portal.documents.result_page import lines_kk, lines_ru, render_document, title
from portal.documents.results import ResultContext
from portal.domain.catalog.process import Actor, Process, Transition
from portal.domain.catalog.spec import Choice, DocumentSpec, Duration, Field, ResultSpec, ServiceSpec
from portal.domain.catalog.stages import COMPLETED, REGISTERED, SUBMITTED
from portal.domain.models import Role

TEMPLATE = "duplicate_document"


def render(ctx: ResultContext) -> bytes:
    """Render the duplicate: a title and the request's lines, in Kazakh and Russian."""
    kazakh = [*title("ТЕЛНҰСҚА", ctx.service_name_kk), *lines_kk(ctx.request_lines)]
    russian = [*title("ДУБЛИКАТ", ctx.service_name_ru), *lines_ru(ctx.request_lines)]
    return render_document(ctx, kazakh, russian, "Дубликат")


SERVICE = ServiceSpec(
    code="duplicate_document",
    number_prefix="DUP",
    name={"kk": "Білім туралы құжаттың телнұсқасын беру", "ru": "Выдача дубликатов документов об образовании",
          "en": "Duplicate of an education document"},
    description={"kk": "Жоғалған аттестаттың телнұсқасы.", "ru": "Дубликат утерянного аттестата.",
                 "en": "A duplicate of a lost school certificate."},
    provider_kinds=("school",),
    channels=("portal",),
    applicant={"kk": "Түлек", "ru": "Выпускник", "en": "A graduate"},
    fields=(
        Field("document_kind", "choice", {"kk": "Құжат", "ru": "Документ", "en": "Document"},
              choices=(Choice("basic", {"kk": "Негізгі орта білім туралы куәлік", "ru": "Свидетельство",
                                        "en": "Basic school certificate"}),
                       Choice("general", {"kk": "Жалпы орта білім туралы аттестат", "ru": "Аттестат",
                                          "en": "General school certificate"}))),
        Field("graduation_year", "year", {"kk": "Бітірген жылы", "ru": "Год окончания", "en": "Year of graduation"}),
    ),
    documents=(DocumentSpec("loss_notice", {"kk": "Жоғалғаны туралы хабарландыру", "ru": "Объявление об утере",
                                            "en": "Notice of the loss"}),),
    process=Process(
        stages=(SUBMITTED, REGISTERED, COMPLETED),
        transitions=(
            Transition("register", "submitted", "registered", Role.office_clerk, Duration(minutes=15),
                       {"kk": "Тіркейді", "ru": "Регистрирует", "en": "Register"}, notify="registered"),
            Transition("accept", "registered", "completed", Role.executor, Duration(working_days=1),
                       {"kk": "Телнұсқаны дайындайды", "ru": "Готовит дубликат", "en": "Prepare the duplicate"},
                       actor=Actor.assignee, decides=True, effect="issue_result", notify="result_ready"),
        ),
        deadline=Duration(working_days=2),
    ),
    result=ResultSpec(title={"kk": "Телнұсқа", "ru": "Дубликат", "en": "Duplicate"}, template=TEMPLATE,
                      granted={"kk": "Телнұсқа берілді", "ru": "Дубликат выдан", "en": "Duplicate issued"}),
)
