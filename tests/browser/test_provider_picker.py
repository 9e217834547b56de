"""The provider picker: the organisations grouped by district, named in the interface's language, and a search."""
from __future__ import annotations

import pytest

from portal import demo
from tests.browser.test_full_path import sign_in
from tests.browser.test_legacy_key_files import draft_ready_to_sign

pytestmark = pytest.mark.browser


def visible_names(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Return the names of the organisations the picker shows now."""
    return page.locator(".provider-option:not([hidden]) .provider-name").all_inner_texts()


def test_the_picker_groups_names_in_the_interface_language_and_narrows_as_one_types(app, page, live_url):
    draft = draft_ready_to_sign(app)  # its provider is the Petropavl department, chosen before
    page.goto(f"{live_url}/lang/ru")
    sign_in(page, live_url, demo.CITIZEN)
    page.goto(f"{live_url}/apply/{draft}")
    groups = page.locator(".provider-group h3").all_inner_texts()
    assert groups[:3] == ["город Петропавловск", "Айыртауский район", "Акжарский район"] and len(groups) == 14
    names = visible_names(page)
    assert len(names) == 14 and "ГУ «Отдел образования города Петропавловска»" in names
    assert not any("білім бөлімі" in n for n in names)  # no Kazakh name in the Russian interface
    assert page.locator("input[name=provider_id]:checked").evaluate("e => e.closest('label').innerText").startswith(
        "ГУ «Отдел образования города Петропавловска»")

    page.fill("#provider-search", "тайынш")
    assert visible_names(page) == ["ГУ «Отдел образования города Петропавловска»",  # the chosen one stays in view
                                   "ГУ «Отдел образования Тайыншинского района Северо-Казахстанской области»"]
    page.fill("#provider-search", "есиль")
    assert visible_names(page)[1] == "ГУ «Отдел образования Есильского района Северо-Казахстанской области»"
    assert page.locator(".provider-group:not([hidden])").count() == 2
    page.fill("#provider-search", "нет такого")
    assert page.inner_text("#provider-none").startswith("Подходящих организаций нет") and visible_names(page) == [
        "ГУ «Отдел образования города Петропавловска»"]

    page.fill("#provider-search", "есиль")
    page.locator(".provider-option:not([hidden])", has_text="Есильского").locator("input").check()
    page.click("button[value=save]")
    page.wait_for_selector(".flash.success")
    assert page.locator("input[name=provider_id]:checked").evaluate("e => e.closest('label').innerText").startswith(
        "ГУ «Отдел образования Есильского района")

    page.goto(f"{live_url}/lang/en")
    page.goto(f"{live_url}/apply/{draft}")
    assert "Education Department of Esil District, North Kazakhstan Region" in visible_names(page)
    assert "Esil district" in page.locator(".provider-group h3").all_inner_texts()
