"""The State Corporation's path: a service centre files the request, the provider works it, the centre hands it over.

Seeds 001/002 (State Corporation processes 1-8), 003 and 004 (para. 9) describe the same shape: the
operator identifies the applicant (and a representative's power of attorney) in the registries, takes
the consent to use protected data, checks the package and registers it or refuses it with a receipt
(Standard annex 3), enters the data, scans and signs the package with the operator's EDS and sends it
to the provider; the provider's own process runs unchanged, except that its last step delivers the
result to the centre, where the operator hands it over. The centre's steps run on the centre's
calendar (Mon-Sat 09:00-20:00, no lunch).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from portal.domain.catalog.process import Duration, Process, PublicStatus, Stage, Text, Transition
from portal.domain.catalog.stages import Norm
from portal.domain.models.people import Role

AT_CENTRE = Stage("at_centre", {"kk": "ХҚКО-да қабылданды, келісім алынуда", "ru": "Принята в ЦОН, получается согласие",
                                "en": "Accepted at the service centre, consent being taken"}, PublicStatus.submitted)
CONSENT_TAKEN = Stage("consent_taken", {
    "kk": "Келісім алынды, құжаттар топтамасы тексерілуде", "ru": "Согласие получено, пакет документов проверяется",
    "en": "Consent taken, the package is being checked"}, PublicStatus.submitted)
CENTRE_REGISTERED = Stage("centre_registered", {
    "kk": "ХҚКО-да тіркелді, көрсетілетін қызметті берушіге жіберілуде",
    "ru": "Зарегистрирована в ЦОН, направляется услугодателю",
    "en": "Registered at the centre, being sent to the provider"}, PublicStatus.submitted)
PACKAGE_REFUSED = Stage("package_refused", {
    "kk": "Құжаттарды қабылдаудан бас тартылды (қолхат берілді)",
    "ru": "Отказано в приёме документов (выдана расписка)",
    "en": "Documents not accepted (receipt of refusal given)"}, PublicStatus.refused)
NOT_FILED = Stage("not_filed", {
    "kk": "Берілмеді: өтініш беруші қорғалатын мәліметтерді пайдалануға келісім бермеді",
    "ru": "Не подана: заявитель не дал согласия на использование охраняемых сведений",
    "en": "Not filed: the applicant did not consent to the use of protected data"}, PublicStatus.closed)
RESULT_AT_CENTRE = Stage("result_at_centre", {
    "kk": "Нәтиже ХҚКО-да, беруге дайын", "ru": "Результат в ЦОН, готов к выдаче",
    "en": "The result is at the service centre, ready to be handed over"}, PublicStatus.in_progress)

#: the stages at the centre before the package leaves it: the operator still enters data and scans
ENTRY_STAGES = frozenset({AT_CENTRE.code, CONSENT_TAKEN.code, CENTRE_REGISTERED.code})
#: the stages only the centre sees: before the package reaches the provider, or when it never will
CENTRE_ONLY = ENTRY_STAGES | {PACKAGE_REFUSED.code, NOT_FILED.code}


@dataclass(frozen=True)
class CentrePath:
    """One regulation's State Corporation steps: their norms and wording, and how the result comes back."""

    consent: Norm
    register: Norm
    refuse: Norm
    #: None when the regulation makes registering and sending one step (seed 003)
    send: Norm | None
    hand_over: Norm
    #: the provider's last step, reworded: it delivers the result to the centre
    deliver_title: Text
    #: the provider delivers the result at least this long before the service's deadline (seed 003: one day)
    deliver_before_deadline_hours: int = 0
    #: the service's term on this path, when the regulation sets one of its own
    deadline: Duration | None = None


def through_centre(process: Process, path: CentrePath) -> Process:
    """Return the provider's process wrapped in the centre's steps before it and the hand-over after it."""
    op, centre = Role.operator, "centre"
    final = {s.code for s in process.stages if process.is_final(s.code)}
    provider_moves = tuple(
        replace(t, target=RESULT_AT_CENTRE.code, title=path.deliver_title, notify="result_at_centre",
                deliver_before_deadline_hours=path.deliver_before_deadline_hours) if t.target in final else t
        for t in process.transitions)
    if path.send is None:  # registering sends the package on
        register = Transition("centre_register", CONSENT_TAKEN.code, process.start, op, path.register.duration,
                              path.register.title, calendar=centre, effect="send_to_provider", notify="sent_to_provider")
        entry: tuple[Transition, ...] = (register,)
    else:
        entry = (Transition("centre_register", CONSENT_TAKEN.code, CENTRE_REGISTERED.code, op, path.register.duration,
                            path.register.title, calendar=centre, notify="centre_registered"),
                 Transition("send_to_provider", CENTRE_REGISTERED.code, process.start, op, path.send.duration,
                            path.send.title, calendar=centre, effect="send_to_provider", notify="sent_to_provider"))
    registered = (CENTRE_REGISTERED,) if path.send is not None else ()
    # a package found incomplete after registering (a scan missing when sending) is refused all the same
    late_refusal = (Transition("refuse_package", CENTRE_REGISTERED.code, PACKAGE_REFUSED.code, op, path.refuse.duration,
                               path.refuse.title, calendar=centre, effect="issue_receipt",
                               notify="package_refused"),) if path.send is not None else ()
    if len(final) != 1:
        raise ValueError("the centre hands over the one outcome of a process with a single final stage")
    return Process(
        stages=(AT_CENTRE, CONSENT_TAKEN, *registered, PACKAGE_REFUSED, NOT_FILED, *process.stages, RESULT_AT_CENTRE),
        transitions=(
            Transition("take_consent", AT_CENTRE.code, CONSENT_TAKEN.code, op, path.consent.duration,
                       path.consent.title, calendar=centre, effect="record_consent"),
            # without the consent the centre cannot ask the information systems: the request is not filed
            Transition("consent_refused", AT_CENTRE.code, NOT_FILED.code, op, path.consent.duration, _NO_CONSENT,
                       calendar=centre, notify="consent_refused"),
            entry[0],
            Transition("refuse_package", CONSENT_TAKEN.code, PACKAGE_REFUSED.code, op, path.refuse.duration,
                       path.refuse.title, calendar=centre, effect="issue_receipt", notify="package_refused"),
            *entry[1:],
            *late_refusal,
            *provider_moves,
            Transition("hand_over", RESULT_AT_CENTRE.code, next(iter(final)), op, path.hand_over.duration,
                       path.hand_over.title, calendar=centre, notify="handed_over"),
        ),
        deadline=path.deadline or process.deadline,
        start=AT_CENTRE.code,
    )


_NO_CONSENT = {"kk": "Өтініш беруші келісім бермесе, өтінішті бермей жабады",
               "ru": "Если заявитель не даёт согласия, закрывает заявку без подачи",
               "en": "Close the request unfiled when the applicant does not consent"}
_CONSENT = Norm(Duration(minutes=5), {
    "kk": "Көрсетілетін қызметті алушыдан ақпараттық жүйелердегі заңмен қорғалатын құпияны қамтитын мәліметтерді "
          "пайдалануға келісім алады",
    "ru": "Получает согласие услугополучателя на использование сведений, составляющих охраняемую законом тайну, "
          "содержащихся в информационных системах",
    "en": "Take the applicant's consent to use legally protected data held in information systems"})
_REGISTER = Norm(Duration(minutes=5), {
    "kk": "Құжаттардың толықтығын және дұрыс толтырылуын тексереді, өтінішті тіркейді",
    "ru": "Проверяет полноту и правильность заполнения документов, регистрирует заявление",
    "en": "Check the package is complete and correctly filled in, and register it"})
_REFUSE = Norm(Duration(minutes=5), {
    "kk": "Құжаттар топтамасы толық болмаған жағдайда құжаттарды қабылдаудан бас тарту туралы қолхат береді "
          "(Стандарттың 3-қосымшасы)",
    "ru": "При неполном пакете документов выдаёт расписку об отказе в приёме документов (приложение 3 Стандарта)",
    "en": "Give a receipt of refusal to accept an incomplete package (the Standard's annex 3)"})
_SEND = Norm(Duration(minutes=5), {
    "kk": "Деректерді және құжаттар тізбесін енгізеді, құжаттарды сканерлейді, ЭЦҚ-мен куәландырып, көрсетілетін "
          "қызметті берушіге жолдайды",
    "ru": "Вносит данные и перечень документов, сканирует документы, удостоверяет ЭЦП и направляет услугодателю",
    "en": "Enter the data and the document list, scan the package, sign it with EDS and send it to the provider"})
_HAND_OVER = Norm(Duration(minutes=15), {
    "kk": "Нәтижені қабылдап, көрсетілетін қызметті алушыға береді және тіркейді",
    "ru": "Получает результат, выдаёт его услугополучателю и регистрирует выдачу",
    "en": "Receive the result, hand it over to the applicant and record it"})
_DELIVER = {"kk": "Нәтижені Мемлекеттік корпорацияға жолдайды", "ru": "Направляет результат в Государственную корпорацию",
            "en": "Send the result to the State Corporation"}

#: seed 004 para. 9 and seeds 001/002 processes 1-8: 5 min each at the centre, 15 min to hand over
STANDARD_PATH = CentrePath(consent=_CONSENT, register=_REGISTER, refuse=_REFUSE, send=_SEND, hand_over=_HAND_OVER,
                           deliver_title=_DELIVER)
