"""Permission to study in external form at basic and general secondary schools (seed 004)."""
from datetime import date

from portal.domain.catalog.spec import (Choice, Condition, DocumentSpec, Duration, Field, ResultSpec, ServiceSpec)
from portal.domain.catalog.stages import Norm, provider_chain

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
        Field("child_name", "person_name", {"kk": "Баланың тегі, аты, әкесінің аты", "ru": "ФИО ребёнка",
                                     "en": "Child's surname, name and patronymic"}),
        Field("child_birth_date", "date", {"kk": "Баланың туған күні", "ru": "Дата рождения ребёнка",
                                           "en": "Child's birth date"}, birth_date_of="child_iin"),
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
    ),
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
    refusal_grounds=(
        {
            "kk": "Ұсынылған құжаттардың және (немесе) олардағы деректердің анық еместігі",
            "ru": "Недостоверность представленных документов и (или) данных в них",
            "en": "The documents or the data in them are not authentic",
        },
        {
            "kk": "Алушының мемлекеттік қызмет көрсету үшін қажетті талаптарға сәйкес келмеуі",
            "ru": "Несоответствие услугополучателя требованиям, необходимым для оказания услуги",
            "en": "The applicant does not meet the requirements for the service",
        },
    ),
)
