"""Refusal grounds come from the catalog with their citations; a refusal chooses them and explains itself."""
from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import MultiDict

from portal.domain.catalog import SERVICES
from portal.domain.catalog.spec import MAX_LENGTH, ServiceSpec
from portal.domain.errors import DomainError
from portal.domain.refusals import ChosenRefusal, chosen_refusal, refusal_grounds_of

PARAMS = pytest.mark.parametrize("service", SERVICES.values(), ids=SERVICES.keys())
ATTESTATION = SERVICES["teacher_attestation"]


@PARAMS
def test_every_ground_has_a_code_wording_and_citation_in_each_language(service: ServiceSpec) -> None:
    codes = [g.code for g in service.refusal_grounds]
    assert codes and len(codes) == len(set(codes)), service.code
    for g in service.refusal_grounds:
        assert g.code.isidentifier() and g.code.islower()
        for locale in ("kk", "ru", "en"):
            assert g.text[locale].strip() and g.citation[locale].strip(), (service.code, g.code, locale)
        # a citation names the act and the paragraph (or annex) in it
        assert "Стандарт" in g.citation["ru"] or "Регламент" in g.citation["ru"], g.code
        assert re.search(r"\b(п\.|пункты|приложение) \d", g.citation["ru"]), g.code
        assert "тармақ" in g.citation["kk"] or "қосымша" in g.citation["kk"], g.code


@PARAMS
def test_every_service_says_how_to_appeal(service: ServiceSpec) -> None:
    assert "руководителя" in service.appeal["ru"] and "качеством" in service.appeal["ru"]
    assert "в суд" in service.appeal["ru"] and "глава 3" in service.appeal["ru"]
    assert "басшысының" in service.appeal["kk"] and "сотқа" in service.appeal["kk"] and "3-тарау" in service.appeal["kk"]
    assert "court" in service.appeal["en"]


def test_the_attestation_grounds_cite_the_standards_para_10() -> None:
    """Seed 003, para. 3: the refusal is on the grounds set in the Standard's para. 10 (order No. 632)."""
    for g in ATTESTATION.refusal_grounds:
        assert "№ 632" in g.citation["ru"] and ("п. 10;" in g.citation["ru"] or "пункты 9, 10;" in g.citation["ru"])


def test_no_ground_is_refused() -> None:
    for payload in ({}, {"refusal_explanation": "Пакет неполный."},
                    MultiDict([("refusal_ground", ""), ("refusal_explanation", "Пакет неполный.")])):
        with pytest.raises(DomainError) as err:
            chosen_refusal(ATTESTATION, payload)
        assert err.value.code == "refusal_ground_required"


@pytest.mark.parametrize("codes", [["no_such_ground"], ["documents_incomplete", "DOCUMENTS_INCOMPLETE"],
                                   ["data_violations"]])  # the last is another service's ground
def test_an_unknown_code_is_refused(codes: list[str]) -> None:
    payload = MultiDict([*(("refusal_ground", c) for c in codes), ("refusal_explanation", "Пакет неполный.")])
    with pytest.raises(DomainError) as err:
        chosen_refusal(ATTESTATION, payload)
    assert err.value.code == "refusal_ground_unknown"


def test_a_flood_of_codes_is_refused_unread() -> None:
    payload = MultiDict([("refusal_ground", "documents_incomplete")] * 31 + [("refusal_explanation", "x")])
    with pytest.raises(DomainError) as err:
        chosen_refusal(ATTESTATION, payload)
    assert err.value.code == "refusal_ground_unknown"


def test_the_explanation_is_required_and_bounded() -> None:
    for explanation in (None, "", "   "):
        with pytest.raises(DomainError) as err:
            chosen_refusal(ATTESTATION, {"refusal_ground": "documents_incomplete", "refusal_explanation": explanation})
        assert err.value.code == "refusal_explanation_required"
    with pytest.raises(DomainError) as err:
        chosen_refusal(ATTESTATION, {"refusal_ground": "documents_incomplete",
                                     "refusal_explanation": "я" * (MAX_LENGTH["longtext"] + 1)})
    assert err.value.code == "too_long" and err.value.params["field"] == "refusal_explanation"


def test_chosen_grounds_come_back_in_catalog_order_once_each() -> None:
    payload = MultiDict([("refusal_ground", "attestation_rules_unmet"), ("refusal_ground", " documents_incomplete "),
                         ("refusal_ground", "attestation_rules_unmet"), ("refusal_explanation", "  Нет сертификата. ")])
    assert chosen_refusal(ATTESTATION, payload) == ChosenRefusal(
        ("documents_incomplete", "attestation_rules_unmet"), "Нет сертификата.")
    # a plain mapping with a list value, or a single value, reads the same
    assert chosen_refusal(ATTESTATION, {"refusal_ground": ["documents_not_authentic"],
                                        "refusal_explanation": "Копия не заверена."}).codes == ("documents_not_authentic",)
    assert chosen_refusal(ATTESTATION, {"refusal_ground": "documents_not_authentic",
                                        "refusal_explanation": "Копия не заверена."}).codes == ("documents_not_authentic",)


def test_stored_codes_lead_back_to_the_catalog_grounds() -> None:
    grounds = refusal_grounds_of(ATTESTATION, ["attestation_rules_unmet", "withdrawn_meanwhile"])
    assert [g.code for g in grounds] == ["attestation_rules_unmet"]
    assert refusal_grounds_of(ATTESTATION, None) == ()
