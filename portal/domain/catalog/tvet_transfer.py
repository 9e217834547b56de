"""Transfer and re-admission of students in TVET organisations (seed 001, the first regulation).

The result is the provider's ORDER (бұйрық) on the transfer or on the re-admission. The regulation
gives two sub-flows with the same roles; only the executor's time differs (15 or 5 working days).
"""
from portal.domain.catalog.appeals import appeal
from portal.domain.catalog.spec import (Choice, Condition, DocumentSpec, Duration, Field, Process, RefusalGround,
                                        ResultSpec, ServiceSpec, Subflow, Text)
from portal.domain.catalog.stages import Norm, provider_chain

#: the Standard the regulation implements (seed 001, the first regulation's para. 4)
STANDARD: Text = {
    "kk": "Стандарт (ҚР Білім және ғылым министрі м.а. 2015 жылғы 6 қарашадағы № 627 бұйрығы)",
    "ru": "Стандарт (приказ и.о. Министра образования и науки РК от 6 ноября 2015 года № 627)",
    "en": "the Standard (order No. 627 of the acting Minister of Education and Science, 6 November 2015)",
}
#: the regulation the steps come from: Karaganda region's, itself repealed in 2020
REGULATION: Text = {
    "kk": "Регламент (Қарағанды обл. әкімдігінің 20.01.2016 № 04/03 қаулысы; 26.03.2020 күші жойылған)",
    "ru": "Регламент (пост. акимата Карагандинской обл. от 20.01.2016 № 04/03; утратил силу 26.03.2020)",
    "en": "Regulation (Karaganda region akimat resolution No. 04/03 of 20.01.2016; repealed 26.03.2020)",
}

TRANSFER = "transfer"
READMISSION = "readmission"

_TRANSFER_TITLE = {"kk": "Ауыстыру", "ru": "Перевод", "en": "Transfer"}
_READMISSION_TITLE = {"kk": "Қайта қабылдау", "ru": "Восстановление", "en": "Re-admission"}


def _process(check_days: int, deadline: Duration) -> Process:
    """Return the regulation's five steps (para. 5) with the executor's check taking `check_days`."""
    return provider_chain(
        register=Norm(Duration(minutes=15), {
            "kk": "Құжаттарды қабылдап, тіркейді және басшыға бұрыштама қою үшін жолдайды",
            "ru": "Принимает и регистрирует документы, направляет руководителю для наложения резолюции",
            "en": "Receive and register the documents, send them to the head for a resolution",
        }),
        assign=Norm(Duration(working_days=1), {
            "kk": "Құжаттармен танысады, жауапты орындаушыны айқындайды",
            "ru": "Знакомится с документами, определяет ответственного исполнителя",
            "en": "Read the documents and designate the executor",
        }),
        draft=Norm(Duration(working_days=check_days), {
            "kk": "Құжаттардың толықтығын тексереді, құжаттарды басшыға қол қою үшін жолдайды",
            "ru": "Проверяет полноту документов, направляет документы руководителю на подпись",
            "en": "Check the package for completeness and send it to the head for signing",
        }),
        approve=Norm(Duration(working_days=1), {
            "kk": "Құжатқа (бұйрыққа) қол қояды",
            "ru": "Подписывает документ (приказ)",
            "en": "Sign the document (the order)",
        }),
        send=Norm(Duration(minutes=15), {
            "kk": "Құжаттарды тіркейді және көрсетілетін қызметті алушыға тапсырады",
            "ru": "Регистрирует документы и выдаёт их услугополучателю",
            "en": "Register the documents and hand them over to the applicant",
        }),
        deadline=deadline, draft_action="check",
    )


# The regulation states no total term for either sub-flow; the deadlines are the sums of the steps
# rounded up to whole working days:
#   transfer:     15m + 1wd + 15wd + 1wd + 15m = 17 working days and 30 minutes -> 18 working days;
#   re-admission: 15m + 1wd +  5wd + 1wd + 15m =  7 working days and 30 minutes ->  8 working days.
TRANSFER_FLOW = Subflow(TRANSFER, _TRANSFER_TITLE, _process(15, Duration(working_days=18)))
READMISSION_FLOW = Subflow(READMISSION, _READMISSION_TITLE, _process(5, Duration(working_days=8)))

SERVICE = ServiceSpec(
    short_name={"kk": "Колледжге ауыстыру және қайта қабылдау", "ru": "Перевод и восстановление в колледже",
                "en": "College transfer and re-admission"},
    code="tvet_transfer",
    number_prefix="TRF",
    source="001",
    name={
        "kk": "Техникалық және кәсіптік, орта білімнен кейінгі білімнің білім беру бағдарламаларын іске "
              "асыратын білім беру ұйымдарындағы білім алушыларды ауыстыру және қайта қабылдау",
        "ru": "Перевод и восстановление обучающихся в организациях образования, реализующих образовательные "
              "программы технического и профессионального, послесреднего образования",
        "en": "Transfer and re-admission of students in organisations implementing technical and vocational, "
              "post-secondary education programmes",
    },
    description={
        "kk": "Колледж білім алушыны басқа колледжден ауыстыру немесе бұрын оқыған адамды қайта қабылдау "
              "туралы бұйрық шығарады.",
        "ru": "Колледж издаёт приказ о переводе обучающегося из другого колледжа или о восстановлении "
              "ранее обучавшегося лица.",
        "en": "The college issues an order on a student's transfer from another college or on the "
              "re-admission of a person who studied before.",
    },
    # The provider is the college the applicant wants to transfer to or be re-admitted to.
    provider_kinds=("college",),
    # Para. 1 and 8: only the provider's office (not automated, not through the State Corporation);
    # the portal adds the electronic channel.
    channels=("portal", "provider_office"),
    applicant={
        "kk": "Білім алушы (ауыстыру үшін) немесе бұрын білім алған жеке тұлға (қайта қабылдау үшін)",
        "ru": "Обучающийся (для перевода) или ранее обучавшееся физическое лицо (для восстановления)",
        "en": "A student (for a transfer) or an individual who studied before (for re-admission)",
    },
    # the default flow is the transfer's
    process=TRANSFER_FLOW.process,
    subflow_field="request_kind",
    subflows=(TRANSFER_FLOW, READMISSION_FLOW),
    result=ResultSpec(
        title={
            "kk": "Ауыстыру немесе қайта қабылдау туралы бұйрық не дәлелді бас тарту",
            "ru": "Приказ о переводе или восстановлении либо мотивированный отказ",
            "en": "An order on the transfer or on the re-admission, or a reasoned refusal",
        },
        template="tvet_order",
        order="order",
        granted={"kk": "Бұйрық шығарылды", "ru": "Приказ издан", "en": "Order issued"},
    ),
    fields=(
        Field("request_kind", "choice", {
            "kk": "Өтініш түрі",
            "ru": "Вид обращения",
            "en": "Kind of request",
        }, choices=(Choice(TRANSFER, _TRANSFER_TITLE), Choice(READMISSION, _READMISSION_TITLE))),
        Field("previous_organisation", "text", {
            "kk": "Бұрынғы білім беру ұйымы",
            "ru": "Прежняя организация образования",
            "en": "Previous education organisation",
        }, hint={
            "kk": "ауыстыру үшін: қазір оқып жүрген колледж; қайта қабылдау үшін: қайда және қашан оқығаныңыз",
            "ru": "для перевода: колледж, в котором вы учитесь сейчас; для восстановления: где и когда "
                  "вы обучались",
            "en": "for a transfer: the college you study at now; for re-admission: where and when you studied",
        }),
        Field("speciality", "text", {
            "kk": "Мамандығы",
            "ru": "Специальность",
            "en": "Speciality",
        }),
        Field("course", "text", {
            "kk": "Оқу курсы",
            "ru": "Курс обучения",
            "en": "Course (year of study)",
        }, hint={"kk": "мысалы: 2-курс", "ru": "например: 2 курс", "en": "e.g. 2nd year"}),
        Field("reason", "longtext", {
            "kk": "Себебі",
            "ru": "Причина",
            "en": "Reason",
        }, required=False),
    ),
    # The regulation refers to the Standard's para. 9 without listing it: the application is the
    # electronic request and identity comes from the IIN; what remains is the record of past study.
    documents=(
        DocumentSpec("transcript", {
            "kk": "Академиялық анықтама (транскрипт) немесе сынақ кітапшасының көшірмесі",
            "ru": "Академическая справка (транскрипт) или копия зачётной книжки",
            "en": "Academic transcript or a copy of the record book",
        }, Condition("request_kind", equals=(TRANSFER,))),
        DocumentSpec("incomplete_certificate", {
            "kk": "Техникалық және кәсіптік, орта білімнен кейінгі білім алуды аяқтамаған адамдарға "
                  "берілген анықтама",
            "ru": "Справка лицам, не завершившим техническое и профессиональное, послесреднее образование",
            "en": "Certificate for persons who did not complete TVET (from the college where you studied)",
        }, Condition("request_kind", equals=(READMISSION,))),
    ),
    # The regulation's only check is the executor's of the package's completeness (para. 4: the basis to
    # start is the documents of the Standard's para. 9; para. 5, subpara. 3); it states no other ground.
    refusal_grounds=(
        RefusalGround("documents_incomplete", {
            "kk": "Стандарттың 9-тармағында көрсетілген қажетті құжаттардың толық ұсынылмауы",
            "ru": "Представление неполного пакета необходимых документов, указанных в пункте 9 Стандарта",
            "en": "The package lacks documents required by para. 9 of the Standard",
        }, {
            "kk": f"{STANDARD['kk']}, 9-тармақ; {REGULATION['kk']}, 4-тармақ, 5-тармақтың 3) тармақшасы",
            "ru": f"{STANDARD['ru']}, п. 9; {REGULATION['ru']}, п. 4, п. 5, пп. 3)",
            "en": f"{STANDARD['en']}, para. 9; {REGULATION['en']}, para. 4, para. 5, subpara. 3",
        }),
    ),
    appeal=appeal(STANDARD),
)
