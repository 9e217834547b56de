"""Consent to the use of legally protected data held in information systems, recorded on the request.

Seed 004, para. 9, subpara. 2: unless the law says otherwise, the State Corporation's operator takes the
applicant's consent to the use of information that is a secret protected by law and held in information
systems; egov.kz asks the same of an applicant before a request is sent. The consent is given by the
applicant or by their representative (a person), on the portal or at a centre, and kept with its text's
version: a new wording (CONSENT_VERSION + 1) asks again.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from portal.domain import audit_trail
from portal.domain.catalog.process import Text
from portal.domain.errors import DomainError
from portal.domain.models import Application, Person

#: the version of the consent wording in force; a request keeps the version it was given under
CONSENT_VERSION = 1

#: the consent's title, as egov.kz names it
CONSENT_TITLE: Text = {
    "kk": "Ақпараттық жүйелердегі заңмен қорғалатын құпияны қамтитын мәліметтерді пайдалануға келісім",
    "ru": "Согласие на использование сведений, составляющих охраняемую законом тайну, "
          "содержащихся в информационных системах",
    "en": "Consent to the use of information that is a secret protected by law, held in information systems",
}

#: the words the applicant agrees to, by version (never change a published version: add the next)
CONSENT_TEXTS: dict[int, Text] = {
    1: {
        "kk": "Мемлекеттік қызметті көрсету үшін ақпараттық жүйелердегі заңмен қорғалатын құпияны қамтитын "
              "мәліметтерді пайдалануға келісім беремін.",
        "ru": "Даю согласие на использование сведений, составляющих охраняемую законом тайну, содержащихся "
              "в информационных системах, для оказания государственной услуги.",
        "en": "I consent to the use of information that is a secret protected by law, held in information "
              "systems, for the provision of the public service.",
    },
}

#: the audit trail's action for a consent given (the stage does not change)
CONSENT_ACTION = "consent"


@dataclass(frozen=True)
class ConsentRecord:
    """A consent as given: its wording, when, and by whom."""

    version: int
    text: Text
    given_at: datetime
    given_by: str


def consent_text(version: int = CONSENT_VERSION) -> Text:
    """Return the consent's wording in kk/ru/en for a version (the one in force by default)."""
    return CONSENT_TEXTS[version]


def has_consent(app: Application) -> bool:
    """Tell whether the request holds a consent to the wording in force."""
    return app.consent_given_at is not None and app.consent_version == CONSENT_VERSION


def consent_of(app: Application) -> ConsentRecord | None:
    """Return the consent the request holds to the wording in force, if any."""
    if not has_consent(app):
        return None
    assert app.consent_given_at is not None and app.consent_version is not None
    by = app.consent_by.full_name if app.consent_by is not None else ""
    return ConsentRecord(app.consent_version, consent_text(app.consent_version), app.consent_given_at, by)


def require_consent(app: Application) -> None:
    """Refuse to go on with a request that holds no consent to the wording in force."""
    if not has_consent(app):
        raise DomainError("consent_required")


def give_consent(session: Session, app: Application, person: Person, at: datetime) -> None:
    """Record that this person (the applicant or their representative) consents, and audit it.

    The same person consenting again to the same wording changes nothing: the first time stands, and the
    trail gets no second row. Another person, or a new wording, replaces it and is audited anew.
    """
    if has_consent(app) and app.consent_by_id == person.id:
        return
    app.consent_given_at, app.consent_version, app.consent_by_id = at, CONSENT_VERSION, person.id
    app.updated_at = at
    audit_trail.record(session, kind=audit_trail.STATE_CHANGE, action=CONSENT_ACTION, actor=person, at=at,
                       application=app, details={"consent_version": CONSENT_VERSION}, from_status=app.stage,
                       to_status=app.stage)
    session.flush()
    session.expire(app, ["consent_by"])  # loaded before (as nobody) it would not follow the new id
