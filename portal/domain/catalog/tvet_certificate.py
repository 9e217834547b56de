"""Certificate to persons who did not complete TVET or post-secondary education (seeds 000, 001, 002).

The 2019 wording of the regulation (the second regulation of seed 001, and seed 002) is the current
one (catalog version 2); seed 000 is the 2016 wording (15m with a receipt / 15m / 3wd / 15m / 15m),
catalog version 1, under which a request filed before the amendment took effect keeps running.
"""
from dataclasses import replace
from datetime import date

from portal.domain.catalog.appeals import appeal
from portal.domain.catalog.centre import STANDARD_PATH
from portal.domain.catalog.spec import Duration, Field, RefusalGround, ResultSpec, ServiceSpec, Text
from portal.domain.catalog.stages import Norm, provider_chain

#: the Standard the regulation implements (seeds 001, 002, para. 4)
STANDARD: Text = {
    "kk": "Стандарт (ҚР Білім және ғылым министрі м.а. 2015 жылғы 6 қарашадағы № 627 бұйрығы)",
    "ru": "Стандарт (приказ и.о. Министра образования и науки РК от 6 ноября 2015 года № 627)",
    "en": "the Standard (order No. 627 of the acting Minister of Education and Science, 6 November 2015)",
}
#: the regulation the steps come from: Karaganda region's, 2019 wording, itself repealed in 2020
REGULATION: Text = {
    "kk": "Регламент (Қарағанды обл. әкімдігінің 20.01.2016 № 04/03 қаулысы, 21.05.2019 ред.; "
          "26.03.2020 күші жойылған)",
    "ru": "Регламент (пост. акимата Карагандинской обл. от 20.01.2016 № 04/03, ред. от 21.05.2019; "
          "утратил силу 26.03.2020)",
    "en": "Regulation (Karaganda region akimat resolution No. 04/03 of 20.01.2016, as worded on 21.05.2019; "
          "repealed 26.03.2020)",
}

#: What the executor fills in from the college's own records; the certificate (the form of the
#: Minister's order No. 289 of 12.06.2009) states where and when the person studied, the speciality
#: and what was completed.
RECORD_INPUTS = (
    Field("speciality", "text", {
        "kk": "Мамандығы (колледж құжаттары бойынша)",
        "ru": "Специальность (по документам колледжа)",
        "en": "Speciality (per the college's records)",
    }),
    Field("study_from", "date", {
        "kk": "Оқуға қабылданған күні",
        "ru": "Дата зачисления",
        "en": "Date of admission",
    }),
    Field("study_to", "date", {
        "kk": "Оқудан шығарылған күні",
        "ru": "Дата отчисления",
        "en": "Date of leaving",
    }),
    Field("completed", "longtext", {
        "kk": "Не аяқталды: курстар, семестрлер, өтілген пәндер",
        "ru": "Что завершено: курсы, семестры, пройденные дисциплины",
        "en": "What was completed: courses, semesters, subjects passed",
    }),
    Field("expulsion_order", "text", {
        "kk": "Оқудан шығару туралы бұйрықтың нөмірі мен күні",
        "ru": "Номер и дата приказа об отчислении",
        "en": "Number and date of the order of expulsion",
    }),
)

SERVICE = ServiceSpec(
    short_name={"kk": "Колледжде оқуды аяқтамағандарға анықтама", "ru": "Справка не завершившим обучение в колледже",
                "en": "Certificate of incomplete college studies"},
    code="tvet_certificate",
    number_prefix="TVC",
    source="001, 002",
    # Karaganda region resolution No. 30/02 of 21.05.2019, registered 23.05.2019, in force ten calendar days
    # after its publication; the publication date is not in the seeds, so the version starts on 03.06.2019.
    version=2,
    valid_from=date(2019, 6, 3),
    name={
        "kk": "Техникалық және кәсіптік, орта білімнен кейінгі білім алуды аяқтамаған адамдарға анықтама беру",
        "ru": "Выдача справки лицам, не завершившим техническое и профессиональное, послесреднее образование",
        "en": "Certificate to persons who did not complete technical and vocational or post-secondary education",
    },
    description={
        "kk": "Колледжде оқуды аяқтамаған адамға қай колледжде, қашан оқығаны, мамандығы және нені "
              "аяқтағаны туралы анықтама беріледі.",
        "ru": "Лицу, не завершившему обучение в колледже, выдаётся справка о том, где и когда оно "
              "обучалось, по какой специальности и что успело завершить.",
        "en": "A person who left college without finishing gets a certificate of where and when they "
              "studied, the speciality, and what was completed.",
    },
    # The college the applicant attended is the provider: no separate field for it.
    provider_kinds=("college",),
    # 2019 wording, para. 1: the provider's office and the State Corporation; the portal adds itself.
    channels=("portal", "provider_office", "state_corporation"),
    applicant={
        "kk": "Техникалық және кәсіптік, орта білімнен кейінгі білім алуды аяқтамаған жеке тұлға",
        "ru": "Физическое лицо, не завершившее техническое и профессиональное, послесреднее образование",
        "en": "An individual who did not complete technical and vocational or post-secondary education",
    },
    # Neither wording states the whole term. The 2019 steps add up to 15m + 30m + 1wd + 20m + 20m,
    # i.e. 1 working day and 85 minutes, rounded up to 2 working days.
    result=ResultSpec(
        title={
            "kk": "Техникалық және кәсіптік, орта білімнен кейінгі білім алуды аяқтамаған адамдарға "
                  "анықтама не дәлелді бас тарту",
            "ru": "Справка лицам, не завершившим техническое и профессиональное, послесреднее образование, "
                  "либо мотивированный отказ",
            "en": "A certificate for a person who did not complete TVET, or a reasoned refusal",
        },
        template="tvet_certificate",
        granted={"kk": "Анықтама берілді", "ru": "Справка выдана", "en": "Certificate issued"},
    ),
    # The applicant is the person the certificate is about: the name and the IIN come from the account.
    fields=(
        Field("speciality", "text", {
            "kk": "Оқыған мамандығы",
            "ru": "Специальность, по которой обучались",
            "en": "Speciality you studied",
        }, hint={"kk": "мысалы: 0508000 Тамақтандыруды ұйымдастыру",
                 "ru": "например: 0508000 Организация питания",
                 "en": "e.g. 0508000 Catering"}),
        Field("admission_year", "year", {
            "kk": "Оқуға түскен жылы",
            "ru": "Год поступления",
            "en": "Year of admission",
        }),
        Field("leaving_year", "year", {
            "kk": "Оқудан шыққан жылы",
            "ru": "Год отчисления",
            "en": "Year of leaving",
        }),
        Field("comment", "longtext", {
            "kk": "Себебі немесе түсініктеме",
            "ru": "Причина или комментарий",
            "en": "Reason or comment",
        }, required=False),
    ),
    # The Standard's para. 9 asks for the application and an identity document only: the application
    # is the electronic request itself and identity comes from the IIN, so nothing is uploaded; the
    # college takes the study facts from its own records (see RECORD_INPUTS).
    documents=(),
    process=provider_chain(
        register=Norm(Duration(minutes=15), {
            "kk": "Құжаттарды қабылдау және тіркеу, құжаттарды басшысына беру",
            "ru": "Приём и регистрация документов, передача документов руководителю",
            "en": "Receive and register the documents, pass them to the head",
        }),
        assign=Norm(Duration(minutes=30), {
            "kk": "Құжаттарды қарау, құжаттарды маманға беру",
            "ru": "Рассмотрение документов, передача документов специалисту",
            "en": "Review the documents, pass them to the specialist",
        }),
        draft=Norm(Duration(working_days=1), {
            "kk": "Қойылатын талаптарға сәйкестігін қарау және мемлекеттік қызмет нәтижесін дайындау",
            "ru": "Рассмотрение на соответствие предъявляемым требованиям и подготовка результата "
                  "государственной услуги",
            "en": "Check compliance with the requirements and prepare the result of the service",
        }),
        approve=Norm(Duration(minutes=20), {
            "kk": "Мемлекеттік қызмет нәтижесіне қол қою",
            "ru": "Подписание результата государственной услуги",
            "en": "Sign the result of the service",
        }),
        send=Norm(Duration(minutes=20), {
            "kk": "Қол қойылған мемлекеттік қызмет нәтижесін көрсетілетін қызмет алушыға немесе "
                  "Мемлекеттік корпорацияға жіберу",
            "ru": "Направление подписанного результата государственной услуги услугополучателю или "
                  "в Государственную корпорацию",
            "en": "Send the signed result to the applicant or the State Corporation",
        }),
        deadline=Duration(working_days=2), draft_inputs=RECORD_INPUTS,
    ),
    # The 2019 regulation, para. 9: condition 2 (the provider checks the documents against the Standard)
    # and process 7 (a refusal when they are violated); para. 3 and para. 5, action 3: the certificate is
    # for a person who did not complete, checked against the college's records.
    refusal_grounds=(
        RefusalGround("documents_violate_standard", {
            "kk": "Көрсетілетін қызметті алушының құжаттарында Стандарт талаптарының бұзылуы",
            "ru": "Нарушения требований Стандарта в документах услугополучателя",
            "en": "The applicant's documents violate the requirements of the Standard",
        }, {
            "kk": f"{REGULATION['kk']}, 9-тармақтың 9), 10) тармақшалары (2-шарт, 7-процесс)",
            "ru": f"{REGULATION['ru']}, п. 9, пп. 9), 10) (условие 2, процесс 7)",
            "en": f"{REGULATION['en']}, para. 9, subparas. 9 and 10 (condition 2, process 7)",
        }),
        RefusalGround("not_a_non_completer", {
            "kk": "Көрсетілетін қызметті алушы осы ұйымда білім алуды аяқтамаған адам болып табылмайды: "
                  "колледж құжаттарында оның оқығаны туралы мәлімет жоқ немесе оқуы аяқталған",
            "ru": "Услугополучатель не является лицом, не завершившим обучение в данной организации: "
                  "в документах колледжа нет сведений о его обучении либо обучение завершено",
            "en": "The applicant is not a person who left this college without completing: its records show "
                  "no study by them, or the study was completed",
        }, {
            "kk": f"{REGULATION['kk']}, 3-тармақ; 5-тармақтың 3-іс-қимылы",
            "ru": f"{REGULATION['ru']}, п. 3; п. 5, действие 3",
            "en": f"{REGULATION['en']}, para. 3; para. 5, action 3",
        }),
    ),
    centre=STANDARD_PATH,
    appeal=appeal(STANDARD),
)

#: The 2016 wording (seed 000: resolution No. 04/03 of 20.01.2016, registered 01.03.2016, published
#: 05.03.2016, in force ten calendar days later). Its steps add up to 3 working days and 60 minutes,
#: rounded up to 4 working days; only the provider's office took applications.
SERVICE_2016 = replace(
    SERVICE,
    source="000",
    version=1,
    valid_from=date(2016, 3, 16),
    channels=("portal", "provider_office"),
    process=provider_chain(
        register=Norm(Duration(minutes=15), {
            "kk": "Құжаттарды қабылдап, тіркейді, Стандарттың 3-қосымшасына сәйкес қолхат береді",
            "ru": "Принимает и регистрирует документы, выдаёт расписку по приложению 3 Стандарта",
            "en": "Receive and register the documents, give the receipt of the Standard's annex 3",
        }),
        assign=Norm(Duration(minutes=15), {
            "kk": "Кіріс құжаттарымен танысады, жауапты орындаушыны айқындайды",
            "ru": "Знакомится с входящими документами, определяет ответственного исполнителя",
            "en": "Read the incoming documents and designate the executor",
        }),
        draft=Norm(Duration(working_days=3), {
            "kk": "Анықтаманы ресімдейді және басшыға қол қою үшін жолдайды",
            "ru": "Оформляет справку и направляет руководителю на подпись",
            "en": "Draw up the certificate and send it to the head for signing",
        }),
        approve=Norm(Duration(minutes=15), {
            "kk": "Анықтамаға қол қояды және кеңсеге жолдайды",
            "ru": "Подписывает справку и направляет в канцелярию",
            "en": "Sign the certificate and send it to the office",
        }),
        send=Norm(Duration(minutes=15), {
            "kk": "Анықтаманы тіркейді және көрсетілетін қызметті алушыға береді",
            "ru": "Регистрирует справку и выдаёт её услугополучателю",
            "en": "Register the certificate and hand it to the applicant",
        }),
        deadline=Duration(working_days=4), draft_inputs=RECORD_INPUTS,
    ),
)
