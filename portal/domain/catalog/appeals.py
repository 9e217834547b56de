"""How a refusal is appealed: the wording every Standard of 2015 shares in its chapter 3.

Each Standard's chapter 3 ("Procedure of appeal") sends a complaint to the head of the provider (or of
the local executive body) or to the authorised body for evaluating and controlling the quality of
public services, and a disagreement with the result to court. The seeds hold the regulations, not the
Standards' own text, so the chapter is cited rather than a paragraph number read from elsewhere.
"""
from __future__ import annotations

from portal.domain.catalog.spec import Text

#: "to the head of the provider", the default addressee of a complaint
PROVIDER_HEAD: Text = {
    "kk": "көрсетілетін қызметті берушінің басшысының",
    "ru": "руководителя услугодателя",
    "en": "the head of the provider",
}


def appeal(standard: Text, head: Text = PROVIDER_HEAD) -> Text:
    """Return the appeal text for a service whose Standard is `standard` (its name with the order)."""
    return {
        "kk": f"Көрсетілетін қызметті берушінің және оның лауазымды адамдарының шешімдеріне, әрекеттеріне "
              f"(әрекетсіздігіне) шағым {head['kk']} атына не мемлекеттік қызметтер көрсету сапасын бағалау "
              f"және бақылау жөніндегі уәкілетті органға беріледі. Көрсетілген мемлекеттік қызмет нәтижесімен "
              f"келіспеген жағдайда көрсетілетін қызметті алушы Қазақстан Республикасының заңнамасында "
              f"белгіленген тәртіппен сотқа жүгінеді ({standard['kk']}, 3-тарау «Шағымдану тәртібі»; "
              f"«Мемлекеттік көрсетілетін қызметтер туралы» Қазақстан Республикасының Заңы).",
        "ru": f"Решения, действия (бездействие) услугодателя и его должностных лиц обжалуются жалобой на имя "
              f"{head['ru']} либо в уполномоченный орган по оценке и контролю за качеством оказания "
              f"государственных услуг. При несогласии с результатом оказанной государственной услуги "
              f"услугополучатель обращается в суд в порядке, установленном законодательством Республики "
              f"Казахстан ({standard['ru']}, глава 3 «Порядок обжалования»; Закон Республики Казахстан "
              f"«О государственных услугах»).",
        "en": f"A decision, action or inaction of the provider or its officials is appealed by a complaint to "
              f"{head['en']} or to the authorised body for evaluating and controlling the quality of public "
              f"services. An applicant who disagrees with the result may go to court as the law of the "
              f"Republic of Kazakhstan provides ({standard['en']}, chapter 3 \"Procedure of appeal\"; the Law "
              f"of the Republic of Kazakhstan \"On public services\").",
    }
