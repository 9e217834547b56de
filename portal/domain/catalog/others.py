"""The three services not yet orderable online: listed in the catalog with their regulations' facts."""
from portal.domain.catalog.spec import DocumentSpec, Duration, ServiceSpec, Step
from portal.domain.models import Role, Status

_REGISTER, _REVIEW, _EXECUTE, _SIGN, _SEND = (
    {"kk": "Құжаттарды қабылдап, тіркейді", "ru": "Принимает и регистрирует документы",
     "en": "Receive and register the documents"},
    {"kk": "Басшы қарап, орындаушыға береді", "ru": "Руководитель рассматривает и передаёт исполнителю",
     "en": "The head reviews and passes to the executor"},
    {"kk": "Орындаушы тексеріп, нәтижені дайындайды", "ru": "Исполнитель проверяет и готовит результат",
     "en": "The executor checks and prepares the result"},
    {"kk": "Басшы нәтижеге қол қояды", "ru": "Руководитель подписывает результат",
     "en": "The head signs the result"},
    {"kk": "Нәтижені алушыға жібереді", "ru": "Направляет результат услугополучателю",
     "en": "Send the result to the applicant"},
)


def _five_steps(review: Duration, execute: Duration, sign: Duration, send: Duration,
                register: Duration = Duration(minutes=15)) -> tuple[Step, ...]:
    """Return the office-head-executor-head-office chain most regulations prescribe."""
    return (
        Step("register", Role.office_clerk, Status.submitted, Status.registered, register, _REGISTER),
        Step("assign", Role.head, Status.registered, Status.in_execution, review, _REVIEW),
        Step("draft_result", Role.executor, Status.in_execution, Status.awaiting_approval, execute, _EXECUTE),
        Step("approve", Role.head, Status.awaiting_approval, Status.signed, sign, _SIGN, effect="issue_result"),
        Step("send", Role.office_clerk, Status.signed, Status.completed, send, _SEND),
    )


_APPLICATION = DocumentSpec("application", {"kk": "Өтініш", "ru": "Заявление", "en": "Application"})
_IDENTITY = DocumentSpec("identity", {"kk": "Жеке басын куәландыратын құжат",
                                      "ru": "Документ, удостоверяющий личность",
                                      "en": "Identity document"})

TVET_CERTIFICATE = ServiceSpec(
    code="tvet_certificate", number_prefix="TVC", source="000, 001, 002",
    name={"kk": "Техникалық және кәсіптік, орта білімнен кейінгі білім алуды аяқтамаған адамдарға анықтама беру",
          "ru": "Выдача справки лицам, не завершившим техническое и профессиональное, послесреднее образование",
          "en": "Certificate to persons who did not complete TVET or post-secondary education"},
    description={"kk": "Колледжде оқуды аяқтамаған адамға қайда, қашан оқығаны, мамандығы және нені "
                       "аяқтағаны туралы анықтама беріледі.",
                 "ru": "Лицу, не завершившему обучение в колледже, выдаётся справка о том, где и когда "
                       "оно обучалось, о специальности и о завершённом объёме.",
                 "en": "A person who did not finish college gets a certificate of where and when they "
                       "studied, the speciality, and what was completed."},
    provider_kind="college", channels=("provider_office", "state_corporation"),
    applicant={"kk": "Жеке тұлға", "ru": "Физическое лицо", "en": "An individual"},
    deadline=Duration(working_days=1),
    result={"kk": "Анықтама не дәлелді бас тарту", "ru": "Справка либо мотивированный отказ",
            "en": "A certificate, or a reasoned refusal"},
    documents=(_APPLICATION, _IDENTITY),
    steps=_five_steps(Duration(minutes=30), Duration(working_days=1), Duration(minutes=20), Duration(minutes=20)),
)

TVET_TRANSFER = ServiceSpec(
    code="tvet_transfer", number_prefix="TRF", source="001",
    name={"kk": "Техникалық және кәсіптік, орта білімнен кейінгі білім беру ұйымдарында білім алушыларды "
                "ауыстыру және қайта қабылдау",
          "ru": "Перевод и восстановление обучающихся в организациях технического и профессионального, "
                "послесреднего образования",
          "en": "Transfer and re-admission of students in TVET organisations"},
    description={"kk": "Колледж білім алушыны басқа колледжден ауыстыру немесе қайта қабылдау туралы бұйрық "
                       "шығарады.",
                 "ru": "Колледж издаёт приказ о переводе обучающегося из другого колледжа или о его "
                       "восстановлении.",
                 "en": "The college issues an order on a student's transfer from another college or on "
                       "re-admission."},
    provider_kind="college", channels=("provider_office",),
    applicant={"kk": "Білім алушы", "ru": "Обучающийся", "en": "A student"},
    deadline=Duration(working_days=17),
    result={"kk": "Ауыстыру немесе қайта қабылдау туралы бұйрық",
            "ru": "Приказ о переводе или восстановлении", "en": "An order on transfer or re-admission"},
    documents=(_APPLICATION, _IDENTITY),
    steps=_five_steps(Duration(working_days=1), Duration(working_days=15), Duration(working_days=1),
                      Duration(minutes=15)),
    extra={"subflows": {"transfer": 15, "readmission": 5}},
)

TEACHER_ATTESTATION = ServiceSpec(
    code="teacher_attestation", number_prefix="ATT", source="003",
    name={"kk": "Педагог қызметкерлерге және оларға теңестірілген адамдарға біліктілік санаттарын беру "
                "(растау) үшін аттестаттаудан өткізуге құжаттар қабылдау",
          "ru": "Приём документов для прохождения аттестации на присвоение (подтверждение) "
                "квалификационных категорий педагогам и приравненным к ним лицам",
          "en": "Accepting documents for teacher attestation (assigning or confirming a qualification category)"},
    description={"kk": "Педагог аттестаттауға құжаттарын тапсырады және олардың қабылданғаны туралы қолхат алады.",
                 "ru": "Педагог сдаёт документы на аттестацию и получает расписку об их приёме.",
                 "en": "A teacher hands in the documents for attestation and gets a receipt that they "
                       "were accepted."},
    provider_kind="school", channels=("provider_office", "state_corporation"),
    applicant={"kk": "Педагогтер және оларға теңестірілген адамдар",
               "ru": "Педагоги и приравненные к ним лица",
               "en": "Teachers and persons equal to them"},
    deadline=Duration(minutes=40),
    result={"kk": "Құжаттардың қабылданғаны туралы қолхат не дәлелді бас тарту",
            "ru": "Расписка о приёме документов либо мотивированный отказ",
            "en": "A receipt that the documents were accepted, or a reasoned refusal"},
    documents=(_APPLICATION, _IDENTITY),
    steps=(
        Step("register", Role.office_clerk, Status.submitted, Status.registered, Duration(minutes=20), _REGISTER),
        Step("accept", Role.executor, Status.registered, Status.completed, Duration(minutes=20), _EXECUTE),
    ),
)
