"""Accepting documents for the attestation of teachers and persons equal to them (seed 003).

The result is a free-form RECEIPT that the documents for attestation were accepted, or a reasoned
refusal on the grounds of the Standard's para. 10. The regulation has two steps only: the office
registers and gives the receipt, an executor accepts the documents and checks completeness. There is
no head step and no assignment: whichever of the provider's executors takes the request does it.
"""
from portal.domain.catalog.appeals import appeal
from portal.domain.catalog.centre import STANDARD_PATH, CentrePath
from portal.domain.catalog.stages import Norm
from portal.domain.catalog.process import Actor, Process, Transition
from portal.domain.catalog.spec import (Choice, Condition, DocumentSpec, Duration, Field, RefusalGround, ResultSpec,
                                        ServiceSpec, Text)
from portal.domain.catalog.stages import COMPLETED, REGISTERED, SUBMITTED
from portal.domain.models import Role

#: the Standard the regulation implements (seed 003, para. 1)
STANDARD: Text = {
    "kk": "Стандарт (ҚР Білім және ғылым министрінің 2015 жылғы 9 қарашадағы № 632 бұйрығы)",
    "ru": "Стандарт (приказ Министра образования и науки РК от 9 ноября 2015 года № 632)",
    "en": "the Standard (order No. 632 of the Minister of Education and Science, 9 November 2015)",
}
#: the regulation the steps come from: Mangystau region's, as worded in 2018
REGULATION: Text = {
    "kk": "Регламент (Маңғыстау обл. әкімдігінің 31.05.2016 № 154 қаулысы, 28.05.2018 № 121 ред.)",
    "ru": "Регламент (пост. акимата Мангистауской обл. от 31.05.2016 № 154, ред. от 28.05.2018 № 121)",
    "en": "Regulation (Mangystau region akimat resolution No. 154 of 31.05.2016, as worded by No. 121 of "
          "28.05.2018)",
}

ASSIGN = "assign"
CONFIRM = "confirm"

# Seed 003 names no categories ("біліктілік санаттарын беру (растау)" only). These are the
# categories of the Law on the status of the teacher (2019) that attestation assigns today; the
# older second / first / highest categories are no longer assigned.
CATEGORIES = (
    Choice("moderator", {"kk": "Педагог-модератор", "ru": "Педагог-модератор", "en": "Teacher-moderator"}),
    Choice("expert", {"kk": "Педагог-сарапшы", "ru": "Педагог-эксперт", "en": "Teacher-expert"}),
    Choice("researcher", {"kk": "Педагог-зерттеуші", "ru": "Педагог-исследователь", "en": "Teacher-researcher"}),
    Choice("master", {"kk": "Педагог-шебер", "ru": "Педагог-мастер", "en": "Teacher-master"}),
)

#: Seed 003 para. 10: the centre accepts and registers the package, gives a receipt and sends it to the provider's
#: office in one 20-minute step; the provider delivers the result at least a day (24 h) before the term runs out.
#: The seed sets no term for this path and the Standard is not among our sources: 3 working days is an
#: assumption of ours, so that the provider's 40 minutes and the one-day delivery rule both have room.
CENTRE_PATH = CentrePath(
    consent=STANDARD_PATH.consent,
    register=Norm(Duration(minutes=20), {
        "kk": "Құжаттарды қабылдап тіркейді, қолхат береді және құжаттарды көрсетілетін қызметті берушінің кеңсесіне "
              "жолдайды",
        "ru": "Принимает и регистрирует документы, выдаёт расписку и направляет документы в канцелярию услугодателя",
        "en": "Accept and register the documents, give a receipt and send them to the provider's office"}),
    refuse=STANDARD_PATH.refuse,
    send=None,
    hand_over=STANDARD_PATH.hand_over,
    deliver_title={
        "kk": "Құжаттардың толықтығын тексеріп, дайын нәтижені мерзім өткенге дейін бір тәуліктен кешіктірмей "
              "Мемлекеттік корпорацияға жеткізеді",
        "ru": "Проверяет полноту документов и доставляет готовый результат в Государственную корпорацию не позднее "
              "чем за сутки до истечения срока",
        "en": "Check the package is complete and deliver the result to the State Corporation at least a day before "
              "the term runs out"},
    deliver_before_deadline_hours=24,
    deadline=Duration(working_days=3),
)

SERVICE = ServiceSpec(
    short_name={"kk": "Педагогтарды аттестаттауға құжат қабылдау", "ru": "Приём документов на аттестацию педагогов",
                "en": "Teacher attestation: accepting documents"},
    code="teacher_attestation",
    number_prefix="ATT",
    source="003",
    name={
        "kk": "Мектепке дейінгі тәрбие мен оқыту, бастауыш, негізгі орта, жалпы орта, техникалық және "
              "кәсіптік, орта білімнен кейінгі білім беру бағдарламаларын іске асыратын білім беру "
              "ұйымдарының педагог қызметкерлері мен оларға теңестірілген тұлғаларға біліктілік санаттарын "
              "беру (растау) үшін аттестаттаудан өткізуге құжаттар қабылдау",
        "ru": "Приём документов для прохождения аттестации на присвоение (подтверждение) квалификационных "
              "категорий педагогическим работникам и приравненным к ним лицам организаций образования, "
              "реализующих программы дошкольного воспитания и обучения, начального, основного среднего, "
              "общего среднего, технического и профессионального, послесреднего образования",
        "en": "Accepting documents for the attestation of teachers and persons equal to them for assigning "
              "(confirming) a qualification category",
    },
    description={
        "kk": "Педагог біліктілік санатын беру немесе растау үшін аттестаттауға құжаттарын тапсырады және "
              "олардың қабылданғаны туралы қолхат алады.",
        "ru": "Педагог подаёт документы на аттестацию для присвоения или подтверждения квалификационной "
              "категории и получает расписку об их приёме.",
        "en": "A teacher hands in the documents for attestation to be assigned or to confirm a qualification "
              "category and gets a receipt that they were accepted.",
    },
    # Para. 1: education organisations (here schools), city and district education departments and
    # the regional education department.
    provider_kinds=("school", "education_department", "regional_department", "college"),
    # Para. 1: the provider's office and the State Corporation; the portal adds itself.
    channels=("portal", "provider_office", "state_corporation"),
    applicant={
        "kk": "Педагог қызметкерлер және оларға теңестірілген тұлғалар (жеке тұлғалар)",
        "ru": "Педагогические работники и приравненные к ним лица (физические лица)",
        "en": "Teachers and persons equal to them (individuals)",
    },
    result=ResultSpec(
        title={
            "kk": "Аттестаттаудан өткізуге құжаттарды қабылдау туралы қолхат не дәлелді бас тарту",
            "ru": "Расписка о приёме документов для прохождения аттестации либо мотивированный отказ",
            "en": "A receipt that the documents for attestation were accepted, or a reasoned refusal",
        },
        template="attestation_receipt",
        granted={"kk": "Құжаттар қабылданды", "ru": "Документы приняты", "en": "Documents accepted"},
    ),
    fields=(
        Field("position", "text", {
            "kk": "Лауазымы",
            "ru": "Должность",
            "en": "Position",
        }, hint={"kk": "мысалы: математика пәнінің мұғалімі", "ru": "например: учитель математики",
                 "en": "e.g. mathematics teacher"}),
        Field("workplace", "text", {
            "kk": "Жұмыс орны (білім беру ұйымы)",
            "ru": "Место работы (организация образования)",
            "en": "Place of work (education organisation)",
        }),
        Field("category", "choice", {
            "kk": "Біліктілік санаты",
            "ru": "Квалификационная категория",
            "en": "Qualification category",
        }, choices=CATEGORIES),
        Field("purpose", "choice", {
            "kk": "Беру немесе растау",
            "ru": "Присвоение или подтверждение",
            "en": "Assign or confirm",
        }, choices=(
            Choice(ASSIGN, {"kk": "Санатты беру", "ru": "Присвоение категории", "en": "Assign the category"}),
            Choice(CONFIRM, {"kk": "Санатты растау", "ru": "Подтверждение категории",
                             "en": "Confirm the category"}),
        )),
    ),
    # Seed 003 refers to the Standard's para. 9 without listing it. The application is the electronic
    # request and identity comes from the IIN; the scans are those the Standard asks for.
    documents=(
        DocumentSpec("diploma", {
            "kk": "Білімі туралы құжаттың (дипломның) көшірмесі",
            "ru": "Копия документа об образовании (диплома)",
            "en": "Copy of the education document (diploma)",
        }),
        DocumentSpec("courses_certificate", {
            "kk": "Біліктілікті арттыру курстарынан өткені туралы құжаттың көшірмесі",
            "ru": "Копия документа о прохождении курсов повышения квалификации",
            "en": "Copy of the certificate of professional development courses",
        }),
        DocumentSpec("employment_record", {
            "kk": "Еңбек қызметін растайтын құжаттың көшірмесі",
            "ru": "Копия документа, подтверждающего трудовую деятельность",
            "en": "Copy of the document confirming employment",
        }),
        DocumentSpec("category_certificate", {
            "kk": "Бұрын берілген біліктілік санаты туралы куәліктің көшірмесі",
            "ru": "Копия удостоверения о ранее присвоенной квалификационной категории",
            "en": "Copy of the certificate of the current qualification category",
        }, Condition("purpose", equals=(CONFIRM,))),
    ),
    process=Process(
        stages=(SUBMITTED, REGISTERED, COMPLETED),
        # Seed 003 states no total term: the sum of its two steps, 20m + 20m.
        deadline=Duration(minutes=40),
        transitions=(
            Transition("register", "submitted", "registered", Role.office_clerk, Duration(minutes=20), {
                "kk": "Құжаттарды тіркеуді жүзеге асырады және көрсетілетін қызметті алушыға қолхат береді",
                "ru": "Осуществляет регистрацию документов и выдаёт услугополучателю расписку",
                "en": "Register the documents and give the applicant a receipt",
            }, notify="registered"),
            Transition("accept", "registered", "completed", Role.executor, Duration(minutes=20), {
                "kk": "Құжаттарды қабылдауды, құжаттардың толықтығын тексеруді жүзеге асырады",
                "ru": "Осуществляет приём документов, проверку полноты документов",
                "en": "Accept the documents and check their completeness",
            }, actor=Actor.assignee, decides=True, effect="issue_result", notify="result_ready"),
        ),
    ),
    # The Standard's para. 10, which seed 003 cites without wording: an incomplete package, and the
    # general grounds of the Law on public services.
    # The regulation's para. 3: a reasoned refusal "on the grounds set in the Standard's para. 10"; the
    # executor's step checks the package's completeness (para. 5, subpara. 2) against para. 9.
    refusal_grounds=(
        RefusalGround("documents_incomplete", {
            "kk": "Стандарттың 9-тармағында көзделген тізбеге сәйкес құжаттардың толық топтамасын ұсынбау",
            "ru": "Представление неполного пакета документов согласно перечню, предусмотренному пунктом 9 "
                  "Стандарта",
            "en": "The package is incomplete against the list of the Standard's para. 9",
        }, {
            "kk": f"{STANDARD['kk']}, 9, 10-тармақтар; {REGULATION['kk']}, 3-тармақ, 5-тармақтың 2) тармақшасы",
            "ru": f"{STANDARD['ru']}, пункты 9, 10; {REGULATION['ru']}, п. 3, п. 5, пп. 2)",
            "en": f"{STANDARD['en']}, paras. 9 and 10; {REGULATION['en']}, para. 3, para. 5, subpara. 2",
        }),
        RefusalGround("documents_not_authentic", {
            "kk": "Ұсынылған құжаттардың және (немесе) олардағы деректердің анық еместігі",
            "ru": "Недостоверность представленных документов и (или) данных в них",
            "en": "The documents or the data in them are not authentic",
        }, {
            "kk": f"{STANDARD['kk']}, 10-тармақ; {REGULATION['kk']}, 3-тармақ",
            "ru": f"{STANDARD['ru']}, п. 10; {REGULATION['ru']}, п. 3",
            "en": f"{STANDARD['en']}, para. 10; {REGULATION['en']}, para. 3",
        }),
        RefusalGround("attestation_rules_unmet", {
            "kk": "Алушының аттестаттау қағидаларында белгіленген талаптарға сәйкес келмеуі",
            "ru": "Несоответствие услугополучателя требованиям, установленным правилами проведения "
                  "аттестации",
            "en": "The applicant does not meet the requirements of the attestation rules",
        }, {
            "kk": f"{STANDARD['kk']}, 10-тармақ; {REGULATION['kk']}, 3-тармақ",
            "ru": f"{STANDARD['ru']}, п. 10; {REGULATION['ru']}, п. 3",
            "en": f"{STANDARD['en']}, para. 10; {REGULATION['en']}, para. 3",
        }),
    ),
    centre=CENTRE_PATH,
    appeal=appeal(STANDARD),
)
