"""Permission to study in external form at basic and general secondary schools (seed 004)."""
from datetime import date

from portal.domain.catalog.appeals import appeal
from portal.domain.catalog.centre import STANDARD_PATH
from portal.domain.catalog.spec import (REGISTRY_LINK, Choice, Condition, DocumentSpec, Duration, Field,
                                        RefusalGround, Representation, ResultSpec, ServiceSpec, Text)
from portal.domain.catalog.stages import Norm, provider_chain

#: the Standard the regulation implements (seed 004, para. 1)
STANDARD: Text = {
    "kk": "Стандарт (ҚР Білім және ғылым министрінің 2015 жылғы 8 сәуірдегі № 179 бұйрығы)",
    "ru": "Стандарт (приказ Министра образования и науки РК от 8 апреля 2015 года № 179)",
    "en": "the Standard (order No. 179 of the Minister of Education and Science, 8 April 2015)",
}
#: the regulation the steps come from: North Kazakhstan region's
REGULATION: Text = {
    "kk": "Регламент (Солтүстік Қазақстан обл. әкімдігінің 16.06.2016 № 232 қаулысы)",
    "ru": "Регламент (пост. акимата Северо-Казахстанской обл. от 16.06.2016 № 232)",
    "en": "Regulation (North Kazakhstan region akimat resolution No. 232 of 16.06.2016)",
}

GROUNDS = (
    Choice("health", {
        "kk": "Денсаулық жағдайы бойынша мектепке бара алмайды",
        "ru": "Не может посещать школу по состоянию здоровья",
        "en": "Cannot attend school for health reasons",
    }),
    Choice("abroad_with_parents", {
        "kk": "Ата-анасымен (оларды алмастыратын адамдармен) шетелге кетеді",
        "ru": "Выезжает за рубеж с родителями (лицами, их заменяющими)",
        "en": "Moves abroad with the parents (or persons replacing them)",
    }),
    Choice("study_abroad", {
        "kk": "Ата-анасыз шетелде оқиды",
        "ru": "Обучается за рубежом без родителей",
        "en": "Studies abroad without the parents",
    }),
)

SERVICE = ServiceSpec(
    short_name={"kk": "Экстернат нысанында оқуға рұқсат", "ru": "Разрешение на обучение экстерном",
                "en": "Permission to study in external form"},
    code="external_study",
    number_prefix="EXT",
    source="004",
    name={
        "kk": "Негізгі орта, жалпы орта білім беру ұйымдарында экстернат нысанында оқуға рұқсат беру",
        "ru": "Выдача разрешения на обучение в форме экстерната в организациях основного среднего, "
              "общего среднего образования",
        "en": "Permission to study in external form at basic and general secondary schools",
    },
    description={
        "kk": "Денсаулығына байланысты мектепке бара алмайтын, ата-анасымен шетелге кететін немесе "
              "шетелде ата-анасыз оқитын оқушыға экстернат нысанында оқуға рұқсат беріледі.",
        "ru": "Разрешение на обучение экстерном выдаётся ученику, который не может посещать школу по "
              "состоянию здоровья, выезжает за рубеж с родителями или обучается за рубежом без них.",
        "en": "A student who cannot attend school for health reasons, moves abroad with the parents or "
              "studies abroad without them gets permission to study in external form.",
    },
    provider_kinds=("education_department",),
    channels=("portal", "state_corporation"),
    applicant={
        "kk": "Білім алушы немесе оның заңды өкілі (ата-анасы)",
        "ru": "Обучающийся или его законный представитель (родитель)",
        "en": "The student or a legal representative (a parent)",
    },
    result=ResultSpec(
        title={
            "kk": "Экстернат нысанында оқуға рұқсат беру туралы бұйрықтан үзінді не дәлелді бас тарту",
            "ru": "Выписка из приказа о разрешении обучения в форме экстерната либо мотивированный отказ",
            "en": "An excerpt from the order permitting external study, or a reasoned refusal",
        },
        template="excerpt_external_study",
        order="excerpt",
        granted={"kk": "Рұқсат берілді", "ru": "Разрешение выдано", "en": "Permission granted"},
    ),
    fields=(
        Field("child_iin", "iin", {"kk": "Баланың ЖСН-і", "ru": "ИИН ребёнка", "en": "Child's IIN"}),
        # the child's name and birth date come from the individuals' registry by the IIN (requests filed
        # before it was consulted keep the values typed then, checked against the IIN)
        Field("child_name", "person_name", {"kk": "Баланың тегі, аты, әкесінің аты", "ru": "ФИО ребёнка",
                                            "en": "Child's surname, name and patronymic"}, registry_of="child_iin"),
        Field("child_birth_date", "date", {"kk": "Баланың туған күні", "ru": "Дата рождения ребёнка",
                                           "en": "Child's birth date"}, registry_of="child_iin"),
        Field("school", "text", {"kk": "Мектеп", "ru": "Школа", "en": "School"},
              hint={"kk": "мысалы: № 1 мектеп-лицей, Петропавл", "ru": "например: школа-лицей № 1, Петропавловск",
                    "en": "e.g. School-lyceum No. 1, Petropavl"}),
        Field("grade", "grade", {"kk": "Сынып", "ru": "Класс", "en": "Grade"}),
        Field("ground", "choice", {"kk": "Негіз", "ru": "Основание", "en": "Ground"}, choices=GROUNDS),
    ),
    documents=(
        DocumentSpec("medical_035", {
            "kk": "Дәрігерлік-консультациялық комиссияның қорытындысы (035-1/у нысаны)",
            "ru": "Заключение врачебно-консультационной комиссии (форма 035-1/у)",
            "en": "Medical advisory commission's conclusion (form 035-1/у)",
        }, Condition("ground", equals=("health",))),
        DocumentSpec("parents_abroad", {
            "kk": "Ата-анасының шетелде уақытша тұратынын растайтын анықтама",
            "ru": "Справка о временном проживании родителей за рубежом",
            "en": "Certificate that the parents temporarily reside abroad",
        }, Condition("ground", equals=("abroad_with_parents",))),
        DocumentSpec("study_abroad", {
            "kk": "Шетелде оқитынын растайтын құжат",
            "ru": "Документ, подтверждающий обучение за рубежом",
            "en": "Document confirming study abroad",
        }, Condition("ground", equals=("study_abroad",))),
        DocumentSpec("birth_certificate", {
            "kk": "Туу туралы куәлік (2008 жылға дейін туылған болса)",
            "ru": "Свидетельство о рождении (если родился до 2008 года)",
            "en": "Birth certificate (when born before 2008)",
        }, Condition("child_birth_date", before=date(2008, 1, 1))),
        # para. 4: a legal representative applies "with documents confirming the representation"; needed
        # only when the individuals' registry does not show the applicant as the child's parent or guardian
        DocumentSpec("representation", {
            "kk": "Заңды өкілдікті растайтын құжат (ЖТ МДҚ сізді баланың ата-анасы немесе қорғаншысы деп "
                  "көрсетпесе)",
            "ru": "Документ, подтверждающий законное представительство (если ГБД ФЛ не указывает вас "
                  "родителем или опекуном ребёнка)",
            "en": "Document confirming the legal representation (when the individuals' registry does not show "
                  "you as the child's parent or guardian)",
        }, Condition(REGISTRY_LINK, equals=("unconfirmed",))),
    ),
    representation=Representation(iin_field="child_iin", document="representation"),
    process=provider_chain(
        register=Norm(Duration(minutes=15), {
            "kk": "Құжаттарды қабылдап, тіркейді және басшыға береді",
            "ru": "Принимает, регистрирует документы и передаёт руководителю",
            "en": "Receive and register the package, pass it to the head",
        }),
        assign=Norm(Duration(minutes=20), {
            "kk": "Қарап, бұрыштамамен жауапты орындаушыны белгілейді",
            "ru": "Рассматривает и назначает ответственного исполнителя с резолюцией",
            "en": "Review and assign the executor with a resolution",
        }),
        draft=Norm(Duration(working_days=14), {
            "kk": "Құжаттарды зерделеп, нәтиженің жобасын дайындайды",
            "ru": "Изучает документы и готовит проект результата",
            "en": "Study the package and draft the result",
        }),
        approve=Norm(Duration(minutes=20), {
            "kk": "Шешім қабылдап, нәтижеге қол қояды",
            "ru": "Принимает решение и подписывает результат",
            "en": "Decide and sign the result",
        }),
        send=Norm(Duration(minutes=15), {
            "kk": "Нәтижені порталға жібереді",
            "ru": "Направляет результат на портал",
            "en": "Send the result to the portal",
        }),
        deadline=Duration(working_days=15),
    ),
    # The regulation's para. 4 lists the package, which the executor studies (para. 5, subpara. 3); its
    # annex 4 (the portal path) forms a refusal when the applicant's data violate the requirements.
    refusal_grounds=(
        RefusalGround("documents_incomplete", {
            "kk": "Мемлекеттік қызмет көрсету үшін қажетті құжаттар пакетінің толық ұсынылмауы",
            "ru": "Представление неполного пакета документов, необходимых для оказания государственной услуги",
            "en": "The package of documents required for the service is incomplete",
        }, {
            "kk": f"{REGULATION['kk']}, 4-тармақ, 5-тармақтың 3) тармақшасы",
            "ru": f"{REGULATION['ru']}, п. 4, п. 5, пп. 3)",
            "en": f"{REGULATION['en']}, para. 4, para. 5, subpara. 3",
        }),
        RefusalGround("data_violations", {
            "kk": "Көрсетілетін қызметті алушының мәліметтерінде бұзушылықтардың болуы",
            "ru": "Наличие нарушений в сведениях услугополучателя",
            "en": "The applicant's data violate the requirements",
        }, {
            "kk": f"{REGULATION['kk']}, 4-қосымша",
            "ru": f"{REGULATION['ru']}, приложение 4",
            "en": f"{REGULATION['en']}, annex 4",
        }),
    ),
    centre=STANDARD_PATH,
    appeal=appeal(STANDARD, head={
        "kk": "көрсетілетін қызметті берушінің (жергілікті атқарушы органның) басшысының",
        "ru": "руководителя услугодателя (местного исполнительного органа)",
        "en": "the head of the provider (the local executive body)",
    }),
)
