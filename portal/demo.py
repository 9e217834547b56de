"""Demo data: seed 004's 14 departments, demo staff and citizen, the registries' stand-in rows (idempotent)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import clock, demo_registry
from portal.domain.errors import DomainError
from portal.domain.models import Membership, Person, Provider, ProviderKind, Role
from portal.domain.staff_certificates import new_registration
from portal.demo_providers import DEMO_PROVIDERS
from portal.domain.validators import make_iin
from portal.pki.ca import RENEW_BEFORE, LocalCA
from portal.pki.certs import issued_by

#: the schedule every department of seed 004 states, verbatim
SCHEDULE_004 = ("Қазақстан Республикасының еңбек заңнамасына сәйкес, көрсетілетін қызметті берушінің белгіленген "
                "жұмыс кестесі бойынша демалыс және мереке күндерін қоспағанда, дүйсенбі – жұма аралығында сағат "
                "13.00-ден 14.30-ға дейінгі түскі үзіліспен сағат, 09.00-ден, 18.30-ға дейін")

#: (code, area, name in Kazakh and address verbatim from seed 004 annex 1, name in Russian)
DEPARTMENTS_004 = (
    ("petropavl", "Петропавл қаласы", "«Петропавл қаласының білім бөлімі» мемлекеттік мекемесі",
     "Солтүстік Қазақстан облысы, Петропавл қаласы,  Қазақстан Конституциясы көшесі, 23",
     "ГУ «Отдел образования города Петропавловска»"),
    ("aiyrtau", "Айыртау ауданы", "«Солтүстік Қазақстан  облысы Айыртау ауданының  білім бөлімі» мемлекеттік мекемесі",
     "Солтүстік Қазақстан облысы, Айыртау ауданы, Саумалкөл ауылы, ША, 20",
     "ГУ «Отдел образования Айыртауского района Северо-Казахстанской области»"),
    ("akzhar", "Ақжар ауданы", "«Солтүстік Қазақстан  облысы Ақжар ауданының  білім бөлімі» мемлекеттік мекемесі",
     "Солтүстік Қазақстан облысы, Ақжар ауданы,  Талшық ауылы,  Целинная  көшесі, 13а",
     "ГУ «Отдел образования Акжарского района Северо-Казахстанской области»"),
    ("akkayin", "Аққайың ауданы", "«Аққайың аудандық білім бөлімі» мемлекеттік мекемесі",
     "Солтүстік Қазақстан облысы, Аққайың ауданы,  Смирново ауылы,  Труд көшесі, 16",
     "ГУ «Аккайынский районный отдел образования»"),
    ("esil", "Есіл ауданы", "«Солтүстік Қазақстан  облысы Есіл ауданының  білім бөлімі» мемлекеттік мекемесі",
     "Солтүстік Қазақстан облысы, Есіл ауданы, Явленка ауылы, Ленин көшесі, 12",
     "ГУ «Отдел образования Есильского района Северо-Казахстанской области»"),
    ("zhambyl", "Жамбыл ауданы", "«Жамбыл ауданының білім бөлімі» мемлекеттік мекемесі",
     "Солтүстік Қазақстан облысы, Жамбыл ауданы, Пресновка ауылы, Шайкина көшесі, 30",
     "ГУ «Отдел образования Жамбылского района»"),
    ("magzhan", "Мағжан Жұмабаев ауданы", "«Мағжан Жұмабаев ауданының білім бөлімі» мемлекеттік мекемесі",
     "Солтүстік Қазақстан облысы, Мағжан Жұмабаев ауданы, Булаев қаласы, Комаров көшесі,16",
     "ГУ «Отдел образования района Магжана Жумабаева»"),
    ("kyzylzhar", "Қызылжар ауданы", "«Қызылжар аудандық білім бөлімі» мемлекеттік мекемесі",
     "Солтүстік Қазақстан облысы, Қызылжар ауданы,  Бескөл ауылы, Молодежная көшесі, 2",
     "ГУ «Кызылжарский районный отдел образования»"),
    ("mamlyut", "Мамлют ауданы", "«Солтүстік Қазақстан  облысы Мамлют ауданының  білім бөлімі» мемлекеттік мекемесі",
     "Солтүстік Қазақстан облысы, Мамлют ауданы,  Мамлютка қаласы,  А.Құнанбаев көшесі, 5",
     "ГУ «Отдел образования Мамлютского района Северо-Казахстанской области»"),
    ("musrepov", "Ғабит Мүсірепов атындағы аудан",
     "«Солтүстік Қазақстан  облысы Ғабит Мүсірепов атындағыауданның білім бөлімі» мемлекеттік мекемесі",
     "Солтүстік Қазақстан облысы, Ғабит Мүсірепов атындағы ауданы, Новоишим ауылы, Ленин көшесі, 2",
     "ГУ «Отдел образования района имени Габита Мусрепова Северо-Казахстанской области»"),
    ("tayinsha", "Тайынша ауданы", "«Солтүстік Қазақстан  облысы Тайынша ауданының білім бөлімі» мемлекеттік мекемесі",
     "Солтүстік Қазақстан облысы, Тайынша қаласы,  Қазақстан Конституциясы көшесі, 206",
     "ГУ «Отдел образования Тайыншинского района Северо-Казахстанской области»"),
    ("timiryazev", "Тимирязев ауданы",
     "«Солтүстік Қазақстан  облысы Тимирязевауданының білім бөлімі» мемлекеттік мекемесі",
     "Солтүстік Қазақстан облысы, Тимирязев ауданы, Тимирязев ауылы, Уәлиханов көшесі, 25",
     "ГУ «Отдел образования Тимирязевского района Северо-Казахстанской области»"),
    ("ualikhanov", "Уәлиханов ауданы", "«Уәлихановауданының білім бөлімі» мемлекеттік мекемесі",
     "Солтүстік Қазақстан облысы, Уәлиханов ауданы, Кішкенекөл ауылы, Жамбыл көшесі, 76",
     "ГУ «Отдел образования Уалихановского района»"),
    ("shal_akyn", "Шал ақын ауданы", "«Шал ақын ауданының білім бөлімі» мемлекеттік мекемесі",
     "Солтүстік Қазақстан облысы,  Шал ақын ауданы,  Сергеев қаласы, Желтоқсан көшесі 14",
     "ГУ «Отдел образования района Шал акына»"),
)


#: each department's name in English and its area in Russian and English (the regulations give Kazakh and Russian)
DEPARTMENT_NAMES: dict[str, tuple[str, str, str]] = {
    "petropavl": ("Education Department of Petropavl City", "город Петропавловск", "Petropavl city"),
    "aiyrtau": ("Education Department of Aiyrtau District, North Kazakhstan Region", "Айыртауский район",
                "Aiyrtau district"),
    "akzhar": ("Education Department of Akzhar District, North Kazakhstan Region", "Акжарский район",
               "Akzhar district"),
    "akkayin": ("Akkayin District Education Department", "Аккайынский район", "Akkayin district"),
    "esil": ("Education Department of Esil District, North Kazakhstan Region", "Есильский район", "Esil district"),
    "zhambyl": ("Education Department of Zhambyl District", "Жамбылский район", "Zhambyl district"),
    "magzhan": ("Education Department of Magzhan Zhumabayev District", "район Магжана Жумабаева",
                "Magzhan Zhumabayev district"),
    "kyzylzhar": ("Kyzylzhar District Education Department", "Кызылжарский район", "Kyzylzhar district"),
    "mamlyut": ("Education Department of Mamlyut District, North Kazakhstan Region", "Мамлютский район",
                "Mamlyut district"),
    "musrepov": ("Education Department of Gabit Musrepov District, North Kazakhstan Region",
                 "район имени Габита Мусрепова", "Gabit Musrepov district"),
    "tayinsha": ("Education Department of Tayinsha District, North Kazakhstan Region", "Тайыншинский район",
                 "Tayinsha district"),
    "timiryazev": ("Education Department of Timiryazev District, North Kazakhstan Region", "Тимирязевский район",
                   "Timiryazev district"),
    "ualikhanov": ("Education Department of Ualikhanov District", "Уалихановский район", "Ualikhanov district"),
    "shal_akyn": ("Education Department of Shal Akyn District", "район Шал акына", "Shal Akyn district"),
}


@dataclass(frozen=True)
class DemoAccount:
    """A demo account to print for the newcomer."""

    role: Role
    iin: str
    full_name: str
    password: str
    provider_code: str | None = None


CITIZEN = DemoAccount(Role.applicant, make_iin(date(1986, 4, 12), "F", 1234), "Сейітова Айгүл Қанатқызы",
                      "citizen-demo-2026")
#: what the demo citizen types to apply for her son; the registry gives his name and birth date
CHILD = {"child_iin": demo_registry.CHILD_IIN}


ROLES = ("office_clerk", "head", "executor")


def _staff(provider_code: str, serial: int, names: tuple[str, ...]) -> list[DemoAccount]:
    """Return an office clerk, a head and an executor of one provider."""
    roles = (Role.office_clerk, Role.head, Role.executor)
    born = (date(1990, 2, 14), date(1975, 6, 30), date(1988, 11, 5))
    return [DemoAccount(role, make_iin(b, "F" if i != 1 else "M", serial + i), name,
                        f"{provider_code}-{role.value.replace('_', '-')}-2026", provider_code)
            for i, (role, b, name) in enumerate(zip(roles, born, names))]


STAFF = (_staff("petropavl", 100, ("Жұмабекова Дана Серікқызы", "Омаров Ерлан Маратұлы",
                                   "Ахметова Гүлнар Бекқызы"))
         + _staff("aiyrtau", 200, ("Ким Оксана Викторовна", "Сағындықов Арман Төлеуұлы",
                                   "Байжанова Мәдина Асқарқызы"))
         + [account for i, p in enumerate(DEMO_PROVIDERS)
                 for account in _staff(p.code, 300 + 10 * i, tuple(dict(p.staff)[r] for r in ROLES))])
#: a second executor at Petropavl: a request assigned to one executor is not the other's to see
SECOND_EXECUTOR = DemoAccount(Role.executor, make_iin(date(1993, 3, 21), "M", 104), "Нұрланов Асхат Серікұлы",
                              "petropavl-executor-2-2026", "petropavl")
STAFF = [*STAFF[:3], SECOND_EXECUTOR, *STAFF[3:]]

#: a State Corporation service centre for the demo (made up, is_demo): Mon-Sat 09:00-20:00, no lunch (seed 004)
CENTRE_CODE = "hqko-petropavl-1"
CENTRE_SCHEDULE = ("Дүйсенбі – сенбі аралығында сағат 09.00-ден 20.00-ге дейін түскі үзіліссіз, жексенбі және "
                   "мереке күндерін қоспағанда")
OPERATOR = DemoAccount(Role.operator, make_iin(date(1991, 7, 8), "F", 501), "Мұқанова Әсел Ерболқызы",
                       "centre-operator-2026", CENTRE_CODE)
#: a second operator of the same centre: operators work any request of their centre
SECOND_OPERATOR = DemoAccount(Role.operator, make_iin(date(1994, 1, 17), "M", 502), "Әлиев Тимур Русланұлы",
                              "centre-operator-2-2026", CENTRE_CODE)
STAFF = [*STAFF, OPERATOR, SECOND_OPERATOR]
#: an analyst of the regional education department: reads the dashboard of every provider of the region
REGION_ANALYST = DemoAccount(Role.region_analyst, make_iin(date(1987, 9, 14), "F", 601), "Ержанова Камила Асқарқызы",
                             "region-analyst-2026", "demo_regional_education")
#: the Petropavl department's administrator: its staff accounts, their EDS certificates, its hours and signing
ADMIN = DemoAccount(Role.admin, make_iin(date(1982, 9, 1), "F", 105), "Сәрсенова Жанар Болатқызы",
                    "petropavl-admin-2026", "petropavl")
STAFF = [*STAFF, REGION_ANALYST]
ACCOUNTS = (CITIZEN, *STAFF, ADMIN)


AREA_CENTRE = "Петропавл қаласы"
#: the State Corporation centre's name in English and its area in Russian and English
CENTRE_NAMES = ("Petropavl City Service Centre No. 1, State Corporation \"Government for Citizens\"",
                "город Петропавловск", "Petropavl city")

#: providers whose heads sign results with their own EDS (the others' results are sealed by the portal)
HEAD_SIGNS = frozenset({"petropavl"})


@dataclass(frozen=True)
class DemoKey:
    """A demo person's pair of EDS key files and their password."""

    account: DemoAccount
    password: str
    signing_file: Path
    auth_file: Path


#: who gets EDS keys on make run, and the keys' password
EDS_HOLDERS = ((CITIZEN, "citizen-eds-2026"),
               *((a, f"{a.provider_code}-head-eds-2026") for a in STAFF
                 if a.role == Role.head and a.provider_code in ("petropavl", "aiyrtau")),
               (OPERATOR, "centre-operator-eds-2026"))


def demo_bin(index: int) -> str:
    """Return a placeholder BIN for a department (the regulation does not give BINs)."""
    return f"99034{index:07d}"


def seal_holders() -> list[tuple[str, str, str]]:
    """Return (code, Kazakh name, BIN) of every demo provider, as its seal certificate is issued."""
    departments = [(code, name_kk, demo_bin(i)) for i, (code, _a, name_kk, _ad, _ru) in enumerate(DEPARTMENTS_004, 1)]
    return departments + [(p.code, p.name_kk, p.bin) for p in DEMO_PROVIDERS]


#: the demo passwords are printed for anyone to read, so their hashes need no strength: light argon2 settings
#: spare `make run` 3 s of hashing, and the first sign-in with the password rehashes with the portal's own
DEMO_HASHER = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)


@lru_cache(maxsize=None)
def _hash(password: str) -> str:
    """Return the light argon2 hash of a demo password, computed once per process."""
    return DEMO_HASHER.hash(password)


def load(session: Session, now: datetime) -> list[DemoAccount]:
    """Create what is missing of the demo data and return the demo accounts."""
    providers = {p.code: p for p in session.scalars(select(Provider))}
    for i, (code, area, name_kk, address, name_ru) in enumerate(DEPARTMENTS_004, start=1):
        if code not in providers:
            providers[code] = Provider(code=code, kind=ProviderKind.education_department, name_kk=name_kk,
                                       name_ru=name_ru, area_kk=area, address=address, schedule_kk=SCHEDULE_004,
                                       bin=demo_bin(i), is_demo=False, head_signs_results=code in HEAD_SIGNS)
            session.add(providers[code])
    for p in DEMO_PROVIDERS:
        if p.code not in providers:
            providers[p.code] = Provider(code=p.code, kind=p.kind, name_kk=p.name_kk, name_ru=p.name_ru,
                                         area_kk=p.area_kk, address=p.address, schedule_kk=p.schedule_kk, bin=p.bin,
                                         opens=p.opens, closes=p.closes, lunch_from=p.lunch_from,
                                         lunch_to=p.lunch_to, is_demo=True)
            session.add(providers[p.code])
    if CENTRE_CODE not in providers:
        providers[CENTRE_CODE] = Provider(
            code=CENTRE_CODE, kind=ProviderKind.service_centre,
            name_kk="«Азаматтарға арналған үкімет» мемлекеттік корпорациясы» КЕАҚ Петропавл қаласының "
                    "№ 1 халыққа қызмет көрсету бөлімі",
            name_ru="Отдел № 1 города Петропавловска по обслуживанию населения НАО «Государственная корпорация "
                    "«Правительство для граждан»",
            area_kk=AREA_CENTRE, address="Солтүстік Қазақстан облысы, Петропавл қаласы (демо мекенжайы)",
            schedule_kk=CENTRE_SCHEDULE, bin="990340000501", opens="09:00", closes="20:00", lunch_from=None,
            lunch_to=None, weekdays="012345", is_demo=True)
        session.add(providers[CENTRE_CODE])
    names = {**DEPARTMENT_NAMES, CENTRE_CODE: CENTRE_NAMES,
             **{p.code: (p.name_en, p.area_ru, p.area_en) for p in DEMO_PROVIDERS}}
    for code, (name_en, area_ru, area_en) in names.items():  # also for a database loaded before they existed
        provider = providers[code]
        if not provider.name_en:
            provider.name_en, provider.area_ru, provider.area_en = name_en, area_ru, area_en
    session.flush()
    existing = set(session.scalars(select(Person.iin)))
    for account in ACCOUNTS:
        if account.iin not in existing:
            provider = providers[account.provider_code] if account.provider_code else None
            person = Person(iin=account.iin, full_name=account.full_name, phone="+77010000000",
                            email=f"{account.iin}@demo.invalid", password_hash=_hash(account.password),
                            created_at=now)
            if provider is not None:
                person.membership = Membership(organisation=provider, role=account.role)
            session.add(person)
    session.flush()
    demo_registry.load(session, ((a.iin, a.full_name) for a in ACCOUNTS), CITIZEN.iin)
    return list(ACCOUNTS)


def _keys_still_good(files: list[Path], password: str, ca: LocalCA) -> bool:
    """Tell whether a holder's two .p12 files chain to this CA, are not revoked and have a month left."""
    if len(files) != 2:
        return False
    renew_at = clock.utcnow() + RENEW_BEFORE
    for path in files:
        try:
            _key, cert, _chain = pkcs12.load_key_and_certificates(path.read_bytes(), password.encode())
        except (OSError, ValueError):
            return False
        if (cert is None or not issued_by(cert, ca.issuing_cert) or ca.is_revoked(cert.serial_number)
                or cert.not_valid_after_utc <= renew_at or cert.not_valid_before_utc > clock.utcnow()):
            return False
    return True


def issue_eds_keys(ca: LocalCA, providers: dict[str, tuple[str, str]], folder: Path, *,
                   valid_from: datetime | None = None, valid_days: int = 365) -> list[DemoKey]:
    """Give the demo citizen and the demo heads their .p12 files, renewing any that expire or were revoked."""
    keys = []
    for account, password in EDS_HOLDERS:
        target = folder / account.iin
        existing = sorted(target.glob("*.p12")) if target.exists() else []
        if not _keys_still_good(existing, password, ca):
            target.mkdir(parents=True, exist_ok=True)
            surname, name, *rest = account.full_name.split()
            organisation, bin_ = providers.get(account.provider_code or "", (None, None))
            issued = ca.issue_person(iin=account.iin, surname=surname, name=name,
                                     patronymic=" ".join(rest) or None, organisation=organisation, bin=bin_,
                                     password=password, valid_from=valid_from, valid_days=valid_days)
            for old in existing:
                old.unlink(missing_ok=True)
            (target / issued.signing_filename).write_bytes(issued.signing_p12)
            (target / issued.auth_filename).write_bytes(issued.auth_p12)
            existing = sorted(target.glob("*.p12"))
        auth = next(p for p in existing if p.name.startswith("AUTH_"))
        signing = next(p for p in existing if not p.name.startswith("AUTH_"))
        keys.append(DemoKey(account, password, signing, auth))
    return keys


def register_staff_keys(session: Session, ca: LocalCA, keys: list[DemoKey], now: datetime) -> int:
    """Register the demo staff's signing certificates, as their administrator would; return how many were new."""
    people = {p.iin: p for p in session.scalars(select(Person).where(Person.iin.in_([k.account.iin for k in keys])))}
    done = 0
    for key in keys:
        person = people.get(key.account.iin)
        if person is None or not person.is_staff or person.provider is None:
            continue
        _key, cert, _chain = pkcs12.load_key_and_certificates(key.signing_file.read_bytes(), key.password.encode())
        assert cert is not None
        try:
            new_registration(session, ca, person=person, organisation_id=person.provider.id,
                             organisation_bin=person.provider.bin, data=cert.public_bytes(Encoding.DER), by=None,
                             now=now)
        except DomainError:  # registered already, or revoked at the CA (issue_eds_keys then issues anew)
            continue
        else:
            done += 1
    return done
