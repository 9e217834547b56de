"""The in-page EDS signer (static/eds/*.js) in a real Chromium: its CMS checked byte for byte in Python.

Chromium is driven from a thread of its own: Playwright's sync API runs an event loop in the thread
that starts it, and the portal's other browser tests (and pyHanko's asyncio.run) own the main one.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from asn1crypto import algos, cms, core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import PrivateFormat, pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from werkzeug.exceptions import NotFound
from werkzeug.middleware.shared_data import SharedDataMiddleware
from werkzeug.serving import make_server

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parents[2] / "static"
#: the demo page that drives the signer: a test's page, never served by the portal
DEMO = Path(__file__).resolve().parent / "demo"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SIGN_PASSWORD = "Құпия сөз 2026!"  # not ASCII on purpose: PBKDF2 must get the UTF-8 bytes
AUTH_PASSWORD = "Auth-Pass-1"
DATA = "Өтініш № 42: заявление о приёме в 1 класс".encode()
SHA256_ABSENT = bytes.fromhex("300b0609608648016503040201")  # AlgorithmIdentifier sha256, no parameters
DER_ORDER = ["content_type", "signing_time", "message_digest", "signing_certificate_v2"]


# ---------- a small test PKI and its .p12 files (docs/eds.md) ----------

@dataclass
class Identity:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)


def _cert(subject: x509.Name, issuer: Identity | None, key: rsa.RSAPrivateKey, days: int,
          extensions: list[tuple[x509.ExtensionType, bool]]) -> x509.Certificate:
    now = datetime.now(timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(subject)
               .issuer_name(issuer.cert.subject if issuer else subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=days)))
    for ext, critical in extensions:
        builder = builder.add_extension(ext, critical)
    return builder.sign(issuer.key if issuer else key, hashes.SHA256())


def _usage(**on: bool) -> x509.KeyUsage:
    names = ["digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
             "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only"]
    return x509.KeyUsage(**{n: on.get(n, False) for n in names})


@dataclass
class Pki:
    root: Identity
    issuing: Identity
    person: Identity
    auth: Identity

    def p12(self, who: Identity, password: str,
            algorithm: pkcs12.PBES = pkcs12.PBES.PBESv2SHA256AndAES256CBC) -> bytes:
        """Write a key file exactly as docs/eds.md says, with the chain as additional certificates."""
        encryption = (PrivateFormat.PKCS12.encryption_builder().kdf_rounds(20000)
                      .key_cert_algorithm(algorithm).hmac_hash(hashes.SHA256()).build(password.encode()))
        return pkcs12.serialize_key_and_certificates(
            b"EDS", who.key, who.cert, [self.issuing.cert, self.root.cert], encryption)


@pytest.fixture(scope="module")
def pki() -> Pki:
    new_key = lambda bits=2048: rsa.generate_private_key(public_exponent=65537, key_size=bits)  # noqa: E731
    root_key = new_key(3072)
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "EDS JS Test Root CA (NOT FOR PRODUCTION)"),
                           x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ")])
    root = Identity(root_key, _cert(root_name, None, root_key, 3650, [
        (x509.BasicConstraints(ca=True, path_length=None), True), (_usage(key_cert_sign=True, crl_sign=True), True)]))
    issuing_key = new_key()
    issuing = Identity(issuing_key, _cert(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "EDS JS Test Issuing CA (NOT FOR PRODUCTION)")]),
        root, issuing_key, 1825,
        [(x509.BasicConstraints(ca=True, path_length=0), True), (_usage(key_cert_sign=True, crl_sign=True), True)]))
    person_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "СЕЙІТОВА АЙГҮЛ"),
                             x509.NameAttribute(NameOID.SERIAL_NUMBER, "IIN860412412345"),
                             x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ")])
    person_key, auth_key = new_key(), new_key()
    person = Identity(person_key, _cert(person_name, issuing, person_key, 365, [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (_usage(digital_signature=True, content_commitment=True), True)]))
    auth = Identity(auth_key, _cert(person_name, issuing, auth_key, 365, [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (_usage(digital_signature=True, key_encipherment=True), True),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), False)]))
    return Pki(root, issuing, person, auth)


# ---------- the static files over HTTP, Chromium in its own thread ----------

@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """Serve static/ at /static/ on loopback (a secure context, so Web Crypto is there), the demo page beside the signer."""
    demo = {f"/static/eds/{f.name}": str(f) for f in DEMO.iterdir()}
    app = SharedDataMiddleware(NotFound(), {**demo, "/static": str(STATIC)}, cache=False)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


class Chromium:
    """Runs functions in the one thread that owns Playwright, passing them the browser."""

    def __init__(self, pool: ThreadPoolExecutor, browser: Any) -> None:
        self.pool, self.browser = pool, browser

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return self.pool.submit(fn, self.browser, *args, **kwargs).result(timeout=120)


@pytest.fixture(scope="module")
def chromium(require_tools: bool) -> Iterator[Chromium]:
    if not (os.path.exists(CHROMIUM) and shutil.which("chromium")):
        if require_tools:
            pytest.fail("Chromium is required (apt-get install chromium) but /usr/bin/chromium is missing")
        pytest.skip("Chromium is not installed")
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="eds-chromium")

    def start() -> tuple[Any, Any]:
        from playwright.sync_api import sync_playwright
        pw = sync_playwright().start()
        return pw, pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

    pw, browser = pool.submit(start).result(timeout=120)
    yield Chromium(pool, browser)
    pool.submit(lambda: (browser.close(), pw.stop())).result(timeout=60)
    pool.shutdown()


# ---------- one pass through the demo page and the real dialog (runs in the browser thread) ----------

def sign_in_page(browser: Any, base: str, *, p12: bytes, passwords: list[str], purpose: str = "SIGNATURE",
                 attached: bool = False, data: bytes = DATA, strings: dict[str, str] | None = None,
                 cancel: bool = False, portal_time: str | None = None) -> dict[str, Any]:
    """Ask the demo page to sign; pick the file, type each password in turn, press Sign.

    Returns the answer, what the dialog showed after each failed password, the certificate info it
    displayed, and every request the page made (and how many after Sign was first pressed)."""
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        page.set_default_timeout(20000)
        requests: list[dict[str, Any]] = []
        context.on("request", lambda r: requests.append(
            {"url": r.url, "method": r.method, "post": r.post_data_buffer, "headers": r.all_headers()}))
        if portal_time is not None:  # the page states the portal's clock, as the portal's own pages do
            def state_time(route: Any) -> None:
                served = route.fetch()
                body = served.text().replace("<head>", f'<head><meta name="portal-time" content="{portal_time}">', 1)
                route.fulfill(response=served, body=body)
            page.route("**/static/eds/demo.html", state_time)
        page.goto(f"{base}/static/eds/demo.html")
        page.wait_for_selector("#run:not([disabled])")
        if strings is not None:
            page.eval_on_selector("#eds-host", "(el, s) => { el.dataset.edsI18n = JSON.stringify(s); }", strings)
        # The certificate box is on screen only while signing: note what it said.
        page.evaluate("""() => { window.certSeen = [];
            new MutationObserver(() => { const box = document.querySelector('.eds-cert:not([hidden])');
              if (box) window.certSeen.push([...box.querySelectorAll('dd')].map((d) => d.textContent)); })
              .observe(document.body, {subtree: true, childList: true, attributes: true}); }""")
        page.fill("#data", base64.b64encode(data).decode())
        page.select_option("#purpose", purpose)
        page.set_checked("#attached", attached)
        page.click("#run")
        dialog = page.locator("dialog.eds-dialog")
        dialog.wait_for(state="visible")
        shown = {"title": page.text_content("#eds-title"), "sign": page.text_content(".eds-sign"),
                 "focused": page.evaluate("document.activeElement.id")}
        if cancel:
            page.click(".eds-cancel")
        else:
            page.set_input_files("#eds-file", files=[
                {"name": "RSA256_test.p12", "mimeType": "application/x-pkcs12", "buffer": p12}])
        first_sign = len(requests)
        attempts = []
        for i, password in enumerate([] if cancel else passwords):
            page.fill("#eds-password", password)
            page.click(".eds-sign")
            if i < len(passwords) - 1:  # expected to fail and leave the dialog open
                page.wait_for_selector("#eds-error[data-code]")
                attempts.append({
                    "code": page.get_attribute("#eds-error", "data-code"),
                    "error": page.text_content("#eds-error"),
                    "open": page.evaluate("document.querySelector('dialog.eds-dialog')?.open === true"),
                    "password_left": page.input_value("#eds-password"),
                    "answer": page.text_content("#answer"),
                })
        page.wait_for_function("document.getElementById('answer').textContent !== ''")
        return {
            "answer": json.loads(page.text_content("#answer")),
            "attempts": attempts,
            "shown": shown,
            "cert_seen": page.evaluate("window.certSeen"),
            "dialog_left": page.locator("dialog.eds-dialog").count(),
            "requests": requests,
            "requests_while_signing": requests[first_sign:],
        }
    finally:
        context.close()


def assert_nothing_leaves(run: dict[str, Any], base: str, password: str, p12: bytes) -> None:
    """The page fetched only its own static files, before signing; nothing at all while signing."""
    assert run["requests_while_signing"] == []
    secrets = [password.encode(), password.encode("utf-16-be"), p12[:64], base64.b64encode(p12)[:64]]
    for req in run["requests"]:
        assert req["url"].startswith((f"{base}/static/eds/", f"{base}/static/vendor/forge/")), req["url"]
        assert req["method"] == "GET" and not req["post"], req
        blob = (req["url"] + json.dumps(req["headers"])).encode()
        assert not any(s in blob for s in secrets)


# ---------- the CMS, checked in Python ----------

def expected_cms(who: Identity, data: bytes, attached: bool, signing_time: datetime) -> bytes:
    """The CMS of docs/eds.md built independently with asn1crypto (RSA PKCS#1 v1.5 is deterministic)."""
    attrs = [
        cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
        cms.CMSAttribute({"type": "signing_time", "values": [cms.Time({"utc_time": signing_time})]}),
        cms.CMSAttribute({"type": "message_digest", "values": [hashlib.sha256(data).digest()]}),
        cms.CMSAttribute({"type": "signing_certificate_v2",
                          "values": [{"certs": [{"cert_hash": hashlib.sha256(who.der).digest()}]}]}),
    ]
    signed_attrs = cms.CMSAttributes(sorted(attrs, key=lambda a: a.dump()))
    signature = who.key.sign(signed_attrs.dump(), padding.PKCS1v15(), hashes.SHA256())
    cert = asn1_x509.Certificate.load(who.der)
    # asn1crypto would add NULL parameters to sha256; docs/eds.md wants them absent
    sha256_absent = algos.DigestAlgorithm.load(SHA256_ABSENT)
    signer_info = cms.SignerInfo({
        "version": "v1",
        "sid": cms.SignerIdentifier({"issuer_and_serial_number": {
            "issuer": cert.issuer, "serial_number": cert.serial_number}}),
        "digest_algorithm": sha256_absent,
        "signed_attrs": signed_attrs,
        "signature_algorithm": {"algorithm": "sha256_rsa", "parameters": core.Null()},
        "signature": signature,
    })
    signed_data = cms.SignedData({
        "version": "v1",
        "digest_algorithms": [sha256_absent],
        "encap_content_info": {"content_type": "data", "content": data if attached else None},
        "certificates": [cert],
        "signer_infos": [signer_info],
    })
    return cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()


def check_cms(b64: str, who: Identity, data: bytes, attached: bool) -> None:
    der = base64.b64decode(b64, validate=True)
    info = cms.ContentInfo.load(der)
    assert info["content_type"].native == "signed_data"
    sd = info["content"]
    assert sd["version"].native == "v1"
    assert [a.dump() for a in sd["digest_algorithms"]] == [SHA256_ABSENT]
    encap = sd["encap_content_info"]
    assert encap["content_type"].native == "data"
    if attached:
        assert encap["content"].native == data
    else:
        assert encap.dump() == bytes.fromhex("300b06092a864886f70d010701")  # no eContent at all
    assert [c.chosen.dump() for c in sd["certificates"]] == [who.der]
    assert len(sd["signer_infos"]) == 1
    si = sd["signer_infos"][0]
    assert si["version"].native == "v1"
    cert = asn1_x509.Certificate.load(who.der)
    sid = si["sid"].chosen
    assert sid["issuer"].dump() == cert.issuer.dump() and sid["serial_number"].native == who.cert.serial_number
    assert si["digest_algorithm"].dump() == SHA256_ABSENT
    assert si["signature_algorithm"].dump() == bytes.fromhex("300d06092a864886f70d01010b0500")  # with NULL
    assert not si["unsigned_attrs"].contents

    attrs = si["signed_attrs"]
    assert [a["type"].native for a in attrs] == DER_ORDER
    assert [a.dump() for a in attrs] == sorted(a.dump() for a in attrs)  # DER order of SET OF
    assert all(len(a["values"]) == 1 for a in attrs)
    assert attrs[0]["values"][0].native == "data"
    assert attrs[1]["values"][0].name == "utc_time"
    signing_time = attrs[1]["values"][0].native
    assert abs(datetime.now(timezone.utc) - signing_time) < timedelta(minutes=5)
    assert attrs[2]["values"][0].native == hashlib.sha256(data).digest()
    ess = attrs[3]["values"][0]["certs"]
    # ESSCertIDv2 { certHash } alone: hashAlgorithm left at its sha256 default, no issuerSerial
    assert len(ess) == 1 and ess[0].dump() == b"\x30\x22\x04\x20" + hashlib.sha256(who.der).digest()

    signed_set = b"\x31" + attrs.dump()[1:]  # what was signed: the SET, not the [0] IMPLICIT
    who.key.public_key().verify(si["signature"].native, signed_set, padding.PKCS1v15(), hashes.SHA256())
    # And the whole thing, byte for byte, as the Python signer would write it.
    assert der == expected_cms(who, data, attached, signing_time)


# ---------- tests ----------

@pytest.mark.parametrize("attached", [False, True], ids=["detached", "attached"])
def test_signs_a_cms_in_the_page(chromium: Chromium, base_url: str, pki: Pki, attached: bool) -> None:
    p12 = pki.p12(pki.person, SIGN_PASSWORD)
    run = chromium.run(sign_in_page, base_url, p12=p12, passwords=[SIGN_PASSWORD], attached=attached)
    answer = run["answer"]
    assert answer["code"] == "200", answer
    check_cms(answer["responseObject"], pki.person, DATA, attached)
    assert run["dialog_left"] == 0  # closed after success
    assert run["shown"]["title"] == "Sign with EDS" and run["shown"]["focused"] == "eds-file"
    cn, iin, validity = run["cert_seen"][-1]
    assert (cn, iin) == ("СЕЙІТОВА АЙГҮЛ", "860412412345") and str(pki.person.cert.not_valid_after_utc.year) in validity
    assert_nothing_leaves(run, base_url, SIGN_PASSWORD, p12)


def test_authentication_key_signs_a_challenge(chromium: Chromium, base_url: str, pki: Pki) -> None:
    challenge = os.urandom(32)
    p12 = pki.p12(pki.auth, AUTH_PASSWORD)
    run = chromium.run(sign_in_page, base_url, p12=p12, passwords=[AUTH_PASSWORD],
                       purpose="AUTHENTICATION", attached=True, data=challenge)
    assert run["answer"]["code"] == "200", run["answer"]
    check_cms(run["answer"]["responseObject"], pki.auth, challenge, True)
    assert_nothing_leaves(run, base_url, AUTH_PASSWORD, p12)


def test_wrong_password_keeps_the_dialog_open_then_the_right_one_signs(
        chromium: Chromium, base_url: str, pki: Pki) -> None:
    p12 = pki.p12(pki.person, SIGN_PASSWORD)
    strings = {"title": "Подписать ЭЦП", "sign": "Подписать", "wrong_password": "Неверный пароль"}
    run = chromium.run(sign_in_page, base_url, p12=p12, passwords=["wrong-1", "Құпия сөз 2026", SIGN_PASSWORD],
                       strings=strings)
    assert run["shown"]["title"] == "Подписать ЭЦП" and run["shown"]["sign"] == "Подписать"
    assert len(run["attempts"]) == 2
    for attempt in run["attempts"]:
        assert attempt == {"code": "wrong_password", "error": "Неверный пароль", "open": True,
                           "password_left": "", "answer": ""}
    assert run["answer"]["code"] == "200"
    check_cms(run["answer"]["responseObject"], pki.person, DATA, False)
    assert_nothing_leaves(run, base_url, SIGN_PASSWORD, p12)


@pytest.mark.parametrize("case", ["auth_key_for_signature", "signing_key_for_authentication"])
def test_a_key_for_the_other_purpose_is_refused(chromium: Chromium, base_url: str, pki: Pki, case: str) -> None:
    who, password, purpose = ((pki.auth, AUTH_PASSWORD, "SIGNATURE") if case == "auth_key_for_signature"
                              else (pki.person, SIGN_PASSWORD, "AUTHENTICATION"))
    run = chromium.run(sign_in_page, base_url, p12=pki.p12(who, password), passwords=[password], purpose=purpose)
    assert run["answer"]["code"] == "500" and run["answer"]["errorCode"] == "key_usage", run["answer"]
    assert "responseObject" not in run["answer"]
    assert run["cert_seen"] and run["cert_seen"][-1][1] == "860412412345"  # opened first, then checked


def test_a_random_file_is_not_a_p12(chromium: Chromium, base_url: str) -> None:
    run = chromium.run(sign_in_page, base_url, p12=os.urandom(2048), passwords=["whatever"])
    assert run["answer"]["code"] == "500" and run["answer"]["errorCode"] == "not_a_p12", run["answer"]


def legacy_p12(pki: Pki, who: Identity, password: str, tmp_path: Path) -> bytes:
    """Write a key file as NCA RK's are: 3DES for the key, 40-bit RC2 for the certificates, an SHA-1 MAC."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    key, certs, out = tmp_path / "key.pem", tmp_path / "certs.pem", tmp_path / "legacy.p12"
    key.write_bytes(who.key.private_bytes(serialization.Encoding.PEM, PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    certs.write_bytes(b"".join(i.cert.public_bytes(serialization.Encoding.PEM) for i in (who, pki.issuing, pki.root)))
    subprocess.run(["openssl", "pkcs12", "-export", "-legacy", "-inkey", str(key), "-in", str(certs),
                    "-passout", "env:P12_PASSWORD", "-out", str(out)],
                   env={**os.environ, "P12_PASSWORD": password}, check=True, capture_output=True)
    return out.read_bytes()


def encryptions(p12: bytes) -> set[str]:
    """Return the names of the encryption algorithms a key file uses (its bags and its safes)."""
    found = {m.group(0).hex() for m in re.finditer(rb"\x06\x0a\x2a\x86\x48\x86\xf7\x0d\x01\x0c\x01[\x01-\x06]", p12)}
    names = {"060a2a864886f70d010c0103": "3DES", "060a2a864886f70d010c0106": "RC2-40"}
    return {names.get(f, f) for f in found}


def test_a_key_file_as_nca_issues_them_signs(chromium: Chromium, base_url: str, pki: Pki, tmp_path: Path) -> None:
    p12 = legacy_p12(pki, pki.person, SIGN_PASSWORD, tmp_path)
    assert encryptions(p12) == {"3DES", "RC2-40"}  # no AES anywhere: Web Crypto alone could not open it
    run = chromium.run(sign_in_page, base_url, p12=p12, passwords=["wrong-1", SIGN_PASSWORD])
    assert [a["code"] for a in run["attempts"]] == ["wrong_password"]
    assert run["answer"]["code"] == "200", run["answer"]
    check_cms(run["answer"]["responseObject"], pki.person, DATA, False)
    assert_nothing_leaves(run, base_url, SIGN_PASSWORD, p12)


def test_a_3des_key_file_signs(chromium: Chromium, base_url: str, pki: Pki) -> None:
    p12 = pki.p12(pki.person, SIGN_PASSWORD, pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
    assert encryptions(p12) == {"3DES"}
    run = chromium.run(sign_in_page, base_url, p12=p12, passwords=[SIGN_PASSWORD])
    assert run["answer"]["code"] == "200", run["answer"]
    check_cms(run["answer"]["responseObject"], pki.person, DATA, False)


@pytest.mark.parametrize("kind", ["aes", "legacy"])
def test_a_key_file_whose_integrity_check_fails_is_refused(chromium: Chromium, base_url: str, pki: Pki,
                                                           tmp_path: Path, kind: str) -> None:
    """The right password, but the MAC no longer matches: the file was altered, nothing in it is used."""
    p12 = pki.p12(pki.person, SIGN_PASSWORD) if kind == "aes" else legacy_p12(pki, pki.person, SIGN_PASSWORD, tmp_path)
    mac = pkcs12_mac(p12)
    altered = p12.replace(mac, bytes(b ^ 0xFF for b in mac))
    run = chromium.run(sign_in_page, base_url, p12=altered, passwords=[SIGN_PASSWORD])
    assert run["answer"]["code"] == "500" and run["answer"]["errorCode"] == "damaged_p12", run["answer"]
    assert "responseObject" not in run["answer"]
    run = chromium.run(sign_in_page, base_url, p12=altered, passwords=["wrong-1", SIGN_PASSWORD])
    assert [a["code"] for a in run["attempts"]] == ["wrong_password"]  # a wrong password is still told as such


def pkcs12_mac(p12: bytes) -> bytes:
    """Return the digest of a key file's MacData."""
    from asn1crypto import pkcs12 as asn1_pkcs12
    return asn1_pkcs12.Pfx.load(p12)["mac_data"]["mac"]["digest"].native


def test_cancel_answers_cancelled(chromium: Chromium, base_url: str) -> None:
    run = chromium.run(sign_in_page, base_url, p12=b"", passwords=[], cancel=True)
    assert run["answer"]["code"] == "500" and run["answer"]["errorCode"] == "cancelled"
    assert run["dialog_left"] == 0


def test_signing_time_follows_the_portal_clock_even_past_2049(chromium: Chromium, base_url: str, pki: Pki) -> None:
    """A page stating the portal's time signs at that time; after 2049 as GeneralizedTime (RFC 5652 11.3)."""
    portal_time = datetime(2051, 3, 2, 5, 0, tzinfo=timezone.utc)
    p12 = pki.p12(pki.person, SIGN_PASSWORD)
    run = chromium.run(sign_in_page, base_url, p12=p12, passwords=[SIGN_PASSWORD],
                       portal_time=portal_time.isoformat())
    assert run["answer"]["code"] == "200", run["answer"]
    signer_info = cms.ContentInfo.load(base64.b64decode(run["answer"]["responseObject"]))["content"]["signer_infos"][0]
    when = signer_info["signed_attrs"][1]["values"][0]
    assert when.name == "generalized_time"
    assert timedelta(0) <= when.native - portal_time < timedelta(minutes=5)
    signed_set = b"\x31" + signer_info["signed_attrs"].dump()[1:]
    pki.person.key.public_key().verify(signer_info["signature"].native, signed_set, padding.PKCS1v15(), hashes.SHA256())
