"""Kazakh by default, the language switch, and demo data that loads twice without duplicates."""
from __future__ import annotations

from sqlalchemy import func, select

from portal import demo
from portal.demo_providers import DEMO_PROVIDERS
from portal.domain.models import Person, Provider
from tests.conftest import MONDAY_10


def test_kazakh_is_the_default(app):
    page = app.test_client().get("/").get_data(as_text=True)
    heading = page.split("<h1>")[1].split("</h1>")[0]
    assert 'lang="kk"' in page and any(letter in heading for letter in "әғқңөұүһі"), heading


def test_switch_to_russian_and_english(app):
    client = app.test_client()
    client.get("/lang/ru")
    assert 'lang="ru"' in client.get("/").get_data(as_text=True)
    client.get("/lang/en")
    page = client.get("/").get_data(as_text=True)
    assert 'lang="en"' in page and "Education services" in page


def test_kazakh_whatever_the_browser_asks_until_switched(app):
    client = app.test_client()
    page = client.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9"}).get_data(as_text=True)
    assert 'lang="kk"' in page
    client.get("/lang/ru")
    assert 'lang="ru"' in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_catalog_lists_all_four_services(app):
    client = app.test_client()
    client.get("/lang/en")
    page = client.get("/").get_data(as_text=True)
    assert page.count("Not yet available online") == 0 and page.count('class="button"') == 4
    for word in ("working day", "e-gov portal", "State Corporation"):
        assert word in page


def test_service_page_lists_the_14_departments_verbatim(app):
    page = app.test_client().get("/services/external_study").get_data(as_text=True)
    for _code, _area, name, address, _ru in demo.DEPARTMENTS_004:
        assert name.replace("«", "&#171;").replace("»", "&#187;") in page or name in page
        assert address in page


def test_demo_data_is_idempotent(app):
    with app.extensions["portal"].sessions() as session:
        demo.load(session, MONDAY_10)
        session.commit()
        assert session.scalar(select(func.count(Provider.id))) == 14 + len(DEMO_PROVIDERS) + 1  # and the demo State Corporation centre
        assert session.scalar(select(func.count(Provider.id)).where(Provider.is_demo.is_(False))) == 14
        assert session.scalar(select(func.count(Person.id))) == len(demo.ACCOUNTS)


def test_unknown_page_is_a_translated_404(app):
    client = app.test_client()
    client.get("/lang/ru")
    r = client.get("/no-such-page")
    assert r.status_code == 404 and 'lang="ru"' in r.get_data(as_text=True)


def test_the_catalog_names_services_plainly_finds_them_and_keeps_the_official_title_on_their_page(app):
    from lxml import html as lxml_html
    client = app.test_client()
    client.get("/lang/ru")
    page = lxml_html.fromstring(client.get("/").get_data(as_text=True))
    titles = [" ".join(h.text_content().split()) for h in page.xpath("//li[@class='card']/h2")]
    assert titles[0] == "Разрешение на обучение экстерном" and len(titles) == 4  # the most used first
    assert all(len(t) <= 45 for t in titles), titles
    found = lxml_html.fromstring(client.get("/?q=колледж").get_data(as_text=True))
    assert [" ".join(h.text_content().split()) for h in found.xpath("//li[@class='card']/h2")] == [
        "Справка не завершившим обучение в колледже", "Перевод и восстановление в колледже"]
    assert found.xpath("//input[@id='q']/@value") == ["колледж"]
    none = lxml_html.fromstring(client.get("/?q=zzz").get_data(as_text=True))
    assert none.xpath("//li[@class='card']") == [] and "zzz" in none.get_element_by_id("no-services").text_content()
    service = client.get("/services/external_study").get_data(as_text=True)
    assert "<h1>Разрешение на обучение экстерном</h1>" in service
    assert "Выдача разрешения на обучение в форме экстерната" in service


def test_the_catalog_cards_are_kept_per_language_and_per_search(app):
    """Each worker renders the cards once per language and search result, and never mixes languages."""
    from lxml import html as lxml_html
    client = app.test_client()
    for lang, title in [("ru", "Разрешение на обучение экстерном"), ("en", None), ("ru", "Разрешение на обучение экстерном")]:
        client.get(f"/lang/{lang}")
        page = lxml_html.fromstring(client.get("/").get_data(as_text=True))
        titles = [" ".join(h.text_content().split()) for h in page.xpath("//li[@class='card']/h2")]
        assert len(titles) == 4 and (title is None or titles[0] == title)
        assert title is not None or not any("экстерн" in t for t in titles)  # English, not the Russian kept before
    client.get("/lang/en")
    found = lxml_html.fromstring(client.get("/?q=college").get_data(as_text=True))
    assert [h.text_content().strip() for h in found.xpath("//li[@class='card']/h2")] == [
        "Certificate of incomplete college studies", "College transfer and re-admission"]
