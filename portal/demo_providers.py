"""Made-up providers of North Kazakhstan region for the demo: colleges, schools, the regional department.

None of these comes from a regulation: they are stored with is_demo=True, their BINs start with "99"
and their staff are invented. Each has its own working hours, to show the per-provider calendar.
"""
from __future__ import annotations

from dataclasses import dataclass

AREA_PETROPAVL = "Петропавл қаласы"
AREA_PETROPAVL_RU, AREA_PETROPAVL_EN = "город Петропавловск", "Petropavl city"

COLLEGE_SCHEDULE = ("Дүйсенбі – жұма, сағат 08.30-дан 17.30-ға дейін, түскі үзіліс сағат 12.30-дан 13.30-ға "
                    "дейін; демалыс және мереке күндерін қоспағанда")
SCHOOL_SCHEDULE = ("Дүйсенбі – жұма, сағат 08.00-ден 17.00-ге дейін, түскі үзіліс сағат 13.00-ден 14.00-ге "
                   "дейін; демалыс және мереке күндерін қоспағанда")
REGIONAL_SCHEDULE = ("Дүйсенбі – жұма, сағат 09.00-ден 18.30-ға дейін, түскі үзіліс сағат 13.00-ден 14.30-ға "
                     "дейін; демалыс және мереке күндерін қоспағанда")


@dataclass(frozen=True)
class DemoProvider:
    """A demo provider: its names, address, BIN, hours and three staff members."""

    code: str
    kind: str
    name_kk: str
    name_ru: str
    name_en: str
    area_kk: str
    area_ru: str
    area_en: str
    address: str
    bin: str
    opens: str = "09:00"
    closes: str = "18:00"
    lunch_from: str | None = "13:00"
    lunch_to: str | None = "14:00"
    schedule_kk: str = ""   # a human-readable schedule line in Kazakh
    staff: tuple[tuple[str, str], ...] = ()   # (role, full name) for office_clerk, head, executor

    def staff_member(self, role: str) -> str | None:
        """Return the full name of the staff member with this role, if any."""
        return next((name for r, name in self.staff if r == role), None)


DEMO_PROVIDERS: tuple[DemoProvider, ...] = (
    DemoProvider(
        code="demo_college_construction",
        kind="college",
        name_kk="«Петропавл құрылыс-экономикалық колледжі»",
        name_ru="«Петропавловский строительно-экономический колледж»",
        name_en="Petropavl College of Construction and Economics",
        area_kk=AREA_PETROPAVL, area_ru=AREA_PETROPAVL_RU, area_en=AREA_PETROPAVL_EN,
        address="Солтүстік Қазақстан облысы, Петропавл қаласы, Жамбыл көшесі, 187",
        bin="990140001011",
        opens="08:30", closes="17:30", lunch_from="12:30", lunch_to="13:30",
        schedule_kk=COLLEGE_SCHEDULE,
        staff=(
            ("office_clerk", "Жұмабаева Айгүл Серікқызы"),
            ("head", "Ахметов Ерлан Қайратұлы"),
            ("executor", "Петренко Ольга Викторовна"),
        ),
    ),
    DemoProvider(
        code="demo_college_agrotech",
        kind="college",
        name_kk="«Солтүстік Қазақстан агротехникалық колледжі»",
        name_ru="«Северо-Казахстанский агротехнический колледж»",
        name_en="North Kazakhstan Agrotechnical College",
        area_kk=AREA_PETROPAVL, area_ru=AREA_PETROPAVL_RU, area_en=AREA_PETROPAVL_EN,
        address="Солтүстік Қазақстан облысы, Петропавл қаласы, Мағжан Жұмабаев көшесі, 112",
        bin="990140002018",
        opens="08:30", closes="17:30", lunch_from="12:30", lunch_to="13:30",
        schedule_kk=COLLEGE_SCHEDULE,
        staff=(
            ("office_clerk", "Смағұлова Динара Маратқызы"),
            ("head", "Кузнецов Андрей Николаевич"),
            ("executor", "Сейітова Гүлнар Бекболатқызы"),
        ),
    ),
    DemoProvider(
        code="demo_school_7",
        kind="school",
        name_kk="Петропавл қаласының «№ 7 мектеп-гимназиясы»",
        name_ru="«Школа-гимназия № 7» города Петропавловска",
        name_en="School-Gymnasium No. 7, Petropavl",
        area_kk=AREA_PETROPAVL, area_ru=AREA_PETROPAVL_RU, area_en=AREA_PETROPAVL_EN,
        address="Солтүстік Қазақстан облысы, Петропавл қаласы, Абай көшесі, 46",
        bin="990240003015",
        opens="08:00", closes="17:00", lunch_from="13:00", lunch_to="14:00",
        schedule_kk=SCHOOL_SCHEDULE,
        staff=(
            ("office_clerk", "Иванова Наталья Сергеевна"),
            ("head", "Мұхамеджанова Сәуле Ерболқызы"),
            ("executor", "Әбілқасымов Нұрлан Асқарұлы"),
        ),
    ),
    DemoProvider(
        code="demo_school_12",
        kind="school",
        name_kk="Петропавл қаласының «№ 12 жалпы білім беретін мектебі»",
        name_ru="«Общеобразовательная школа № 12» города Петропавловска",
        name_en="Comprehensive School No. 12, Petropavl",
        area_kk=AREA_PETROPAVL, area_ru=AREA_PETROPAVL_RU, area_en=AREA_PETROPAVL_EN,
        address="Солтүстік Қазақстан облысы, Петропавл қаласы, Ғабит Мүсірепов көшесі, 9",
        bin="990240004012",
        opens="08:00", closes="17:00", lunch_from="13:00", lunch_to="14:00",
        schedule_kk=SCHOOL_SCHEDULE,
        staff=(
            ("office_clerk", "Бекова Жанар Талғатқызы"),
            ("head", "Соколов Игорь Владимирович"),
            ("executor", "Қалиева Әсел Мұратқызы"),
        ),
    ),
    DemoProvider(
        code="demo_regional_education",
        kind="regional_department",
        name_kk="«Солтүстік Қазақстан облысы әкімдігінің білім басқармасы»",
        name_ru="«Управление образования акимата Северо-Казахстанской области»",
        name_en="Education Office of the North Kazakhstan Region Akimat",
        area_kk="Солтүстік Қазақстан облысы", area_ru="Северо-Казахстанская область",
        area_en="North Kazakhstan region",
        address="Солтүстік Қазақстан облысы, Петропавл қаласы, Қазақстан Конституциясы көшесі, 58",
        bin="990340005019",
        opens="09:00", closes="18:30", lunch_from="13:00", lunch_to="14:30",
        schedule_kk=REGIONAL_SCHEDULE,
        staff=(
            ("office_clerk", "Нұрпейісова Мадина Ғалымқызы"),
            ("head", "Есенов Бауыржан Серікұлы"),
            ("executor", "Морозова Елена Павловна"),
        ),
    ),
)
