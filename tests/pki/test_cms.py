"""The CMS of docs/eds.md: the Python test signer's exact bytes, NCALayer messages, and every verdict."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko_certvalidator import ValidationContext

from portal import clock
from tests.tools import tool
from portal.pki.ca import LocalCA
from portal.pki.cms import EdsError, add_signature_timestamp, read_signature_timestamp, verify_cms
from portal.pki.cmsbuild import attribute, der_set, signed_data_der, signing_certificate_v2, signing_time_value
from portal.pki.persons import PersonKeys
from portal.pki.testsigner import P12Signer
from tests.pki import IIN, OTHER_IIN, issue, open_auth, open_signing

DATA = "Өтініш / Заявление №42".encode()
WHEN = dt.datetime(2026, 3, 12, 9, 30, 5, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> LocalCA:
    """Return one CA for the module."""
    return LocalCA.load_or_create(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="module")
def keys(ca: LocalCA) -> PersonKeys:
    """Return a citizen's keys, valid from well before WHEN."""
    return issue(ca, valid_from=WHEN - dt.timedelta(days=30), valid_days=730)


@pytest.fixture(scope="module")
def signing(keys: PersonKeys) -> P12Signer:
    """Open the citizen's signing key."""
    return open_signing(keys)


@pytest.fixture(scope="module")
def auth(keys: PersonKeys) -> P12Signer:
    """Open the citizen's authentication key."""
    return open_auth(keys)


def _refused(cms_der: bytes, ca: LocalCA, **kwargs: object) -> str:
    """Return the code verify_cms refuses with."""
    kwargs.setdefault("purpose", "SIGNATURE")
    with pytest.raises(EdsError) as refused:
        verify_cms(cms_der, ca=ca, **kwargs)  # type: ignore[arg-type]
    return refused.value.code


# --- an independent DER encoder, to pin the layout byte for byte ---------------------------------


def _tlv(tag: int, body: bytes) -> bytes:
    """Encode one DER element."""
    n = len(body)
    length = bytes([n]) if n < 0x80 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag]) + length + body


def _oid(dotted: str) -> bytes:
    """Encode an OBJECT IDENTIFIER."""
    arcs = [int(a) for a in dotted.split(".")]
    body = bytearray()
    for arc in [40 * arcs[0] + arcs[1], *arcs[2:]]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body += bytes(reversed(chunk))
    return _tlv(0x06, bytes(body))


def _int(value: int) -> bytes:
    """Encode a non-negative INTEGER."""
    return _tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _expected_cms(signer: P12Signer, data: bytes, when: dt.datetime, attached: bool) -> bytes:
    """Build the CMS of docs/eds.md from first principles."""
    cert = signer.certificate.public_bytes(serialization.Encoding.DER)
    sha256 = _tlv(0x30, _oid("2.16.840.1.101.3.4.2.1"))  # parameters absent
    attrs = sorted(
        [
            _tlv(0x30, _oid("1.2.840.113549.1.9.3") + _tlv(0x31, _oid("1.2.840.113549.1.7.1"))),
            _tlv(0x30, _oid("1.2.840.113549.1.9.5") + _tlv(0x31, _tlv(0x17, when.strftime("%y%m%d%H%M%SZ").encode()))),
            _tlv(0x30, _oid("1.2.840.113549.1.9.4") + _tlv(0x31, _tlv(0x04, hashlib.sha256(data).digest()))),
            _tlv(
                0x30,
                _oid("1.2.840.113549.1.9.16.2.47")
                + _tlv(0x31, _tlv(0x30, _tlv(0x30, _tlv(0x30, _tlv(0x04, hashlib.sha256(cert).digest()))))),
            ),
        ]
    )
    signature = signer.key.sign(_tlv(0x31, b"".join(attrs)), padding.PKCS1v15(), hashes.SHA256())
    sid = _tlv(0x30, signer.certificate.issuer.public_bytes() + _int(signer.certificate.serial_number))
    signer_info = _tlv(
        0x30,
        _int(1)
        + sid
        + sha256
        + _tlv(0xA0, b"".join(attrs))
        + _tlv(0x30, _oid("1.2.840.113549.1.1.11") + b"\x05\x00")
        + _tlv(0x04, signature),
    )
    encap = _tlv(0x30, _oid("1.2.840.113549.1.7.1") + (_tlv(0xA0, _tlv(0x04, data)) if attached else b""))
    signed_data = _tlv(0x30, _int(1) + _tlv(0x31, sha256) + encap + _tlv(0xA0, cert) + _tlv(0x31, signer_info))
    return _tlv(0x30, _oid("1.2.840.113549.1.7.2") + _tlv(0xA0, signed_data))


@pytest.mark.parametrize("attached", [False, True])
def test_test_signer_writes_the_documented_bytes(signing: P12Signer, attached: bool) -> None:
    """The CMS equals, byte for byte, the layout of docs/eds.md built by an independent encoder."""
    produced = signing.create_cms(DATA, attached=attached, signing_time=WHEN)
    assert produced == _expected_cms(signing, DATA, WHEN, attached)
    assert produced == signing.create_cms(DATA, attached=attached, signing_time=WHEN)  # deterministic


def test_detached_signature_verifies(ca: LocalCA, signing: P12Signer) -> None:
    """A good detached signature yields the signer, the signing time and the digest."""
    cms_der = signing.create_cms(DATA, attached=False, signing_time=WHEN)
    check = verify_cms(cms_der, ca=ca, purpose="SIGNATURE", data=DATA, expected_iin=IIN, now=WHEN)
    assert check.signed_at == WHEN and check.signed_at.tzinfo is not None
    assert check.content is None and check.message_digest == hashlib.sha256(DATA).digest()
    signer = check.signer
    assert (signer.iin, signer.common_name, signer.given_name, signer.organisation, signer.bin) == (
        IIN, "СЕЙІТОВА АЙГҮЛ", None, None, None
    )
    assert signer.serial == signing.certificate_serial
    assert "Portal Test NCA Issuing CA" in signer.issuer
    assert signer.not_before == signing.certificate.not_valid_before_utc
    assert signer.not_after == signing.certificate.not_valid_after_utc
    assert signer.certificate_der == signing.certificate.public_bytes(serialization.Encoding.DER)
    by_digest = verify_cms(cms_der, ca=ca, purpose="SIGNATURE", digest=hashlib.sha256(DATA).digest(), now=WHEN)
    assert by_digest == check


def test_staff_signer_carries_organisation_and_bin(ca: LocalCA) -> None:
    """O and the BIN of OU come back in the Signer."""
    staff = open_signing(issue(ca, iin=OTHER_IIN, organisation="№ 7 мектеп", bin="990140001111", patronymic="Ұлы"))
    check = verify_cms(staff.create_cms(DATA, attached=False), ca=ca, purpose="SIGNATURE", data=DATA)
    assert (check.signer.organisation, check.signer.bin, check.signer.given_name) == ("№ 7 мектеп", "990140001111", "Ұлы")


def test_attached_challenge_round_trip_through_the_ncalayer_message(ca: LocalCA, auth: P12Signer) -> None:
    """AUTHENTICATION, attached: the verifier returns the challenge that was signed."""
    challenge = bytes(range(32))
    answer = auth.handle(
        {
            "module": "kz.gov.pki.knca.commonUtils",
            "method": "createCMSSignatureFromBase64",
            "args": ["PKCS12", "AUTHENTICATION", base64.b64encode(challenge).decode(), True],
        }
    )
    assert answer["code"] == "200"
    check = verify_cms(base64.b64decode(answer["responseObject"]), ca=ca, purpose="AUTHENTICATION", expected_iin=IIN)
    assert check.content == challenge
    assert abs(check.signed_at - clock.utcnow()) < dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("which", "args"),
    [
        ("signing", ["PKCS12", "AUTHENTICATION", "AAAA", True]),
        ("auth", ["PKCS12", "SIGNATURE", "AAAA", False]),
        ("auth", ["PKCS12", "AUTHENTICATION", "not base64!", True]),
        ("auth", ["PKCS12", "AUTHENTICATION", "AAAA"]),
        ("auth", ["AKKaztokenStore", "AUTHENTICATION", "AAAA", True]),
        ("auth", ["PKCS12", "AUTHENTICATION", "AAAA", "yes"]),
    ],
)
def test_ncalayer_message_refusals_answer_500(signing: P12Signer, auth: P12Signer, which: str, args: list) -> None:
    """A purpose the key cannot serve, bad data or bad arguments answer code 500 with a message."""
    key = signing if which == "signing" else auth
    message = {"module": "kz.gov.pki.knca.commonUtils", "method": "createCMSSignatureFromBase64", "args": args}
    answer = key.handle(message)
    assert answer["code"] == "500" and answer["message"]
    assert key.handle({**message, "method": "signXml"})["code"] == "500"


def test_content_mismatch(ca: LocalCA, signing: P12Signer, auth: P12Signer) -> None:
    """Other data, another digest, or attached content that differs from the data are refused."""
    detached = signing.create_cms(DATA, attached=False, signing_time=WHEN)
    assert _refused(detached, ca, data=b"other", now=WHEN) == "content_mismatch"
    assert _refused(detached, ca, digest=b"\x00" * 32, now=WHEN) == "content_mismatch"
    attached = auth.create_cms(b"challenge", attached=True, signing_time=WHEN)
    assert _refused(attached, ca, purpose="AUTHENTICATION", data=b"other", now=WHEN) == "content_mismatch"
    with pytest.raises(ValueError):
        verify_cms(detached, ca=ca, purpose="SIGNATURE", now=WHEN)  # nothing to compare with


def test_tampered_signature_and_signed_attributes(ca: LocalCA, signing: P12Signer) -> None:
    """A flipped signature bit or an edited signingTime breaks the RSA signature."""
    good = signing.create_cms(DATA, attached=False, signing_time=WHEN)
    flipped = good[:-1] + bytes([good[-1] ^ 0x01])  # the signature value ends the DER
    assert _refused(flipped, ca, data=DATA, now=WHEN) == "signature_invalid"
    stamp = WHEN.strftime("%y%m%d%H%M%SZ").encode()
    later = good.replace(stamp, (WHEN + dt.timedelta(seconds=1)).strftime("%y%m%d%H%M%SZ").encode())
    assert later != good
    assert _refused(later, ca, data=DATA, now=WHEN) == "signature_invalid"


def test_signing_certificate_attribute_must_name_the_signer(ca: LocalCA, signing: P12Signer) -> None:
    """A valid signature whose signingCertificateV2 names another certificate is refused."""
    mine = asn1_x509.Certificate.load(signing.certificate.public_bytes(serialization.Encoding.DER))
    other = asn1_x509.Certificate.load(ca.cert_der("issuing"))
    attrs = der_set(
        [
            attribute("content_type", "data"),
            attribute("signing_time", signing_time_value(WHEN)),
            attribute("message_digest", hashlib.sha256(DATA).digest()),
            attribute("signing_certificate_v2", signing_certificate_v2(other)),
        ]
    )
    forged = signed_data_der(
        version="v1",
        content_type="data",
        content=None,
        certificates=[mine],
        signer=mine,
        signed_attrs_set=attrs,
        signature=signing.key.sign(attrs, padding.PKCS1v15(), hashes.SHA256()),
    )
    assert _refused(forged, ca, data=DATA, now=WHEN) == "signature_invalid"


def test_certificate_of_another_ca_is_untrusted(ca: LocalCA, tmp_path: Path) -> None:
    """Same names, other keys: a key from a different LocalCA is untrusted."""
    stranger = open_signing(issue(LocalCA.load_or_create(tmp_path / "stranger")))
    assert _refused(stranger.create_cms(DATA, attached=False), ca, data=DATA) == "untrusted"


def test_expired_and_not_yet_valid(ca: LocalCA) -> None:
    """Validity is checked at signingTime and now; signingTime may not be in the future."""
    now = clock.utcnow()
    expired = open_signing(issue(ca, valid_from=now - dt.timedelta(days=400), valid_days=30))
    assert _refused(expired.create_cms(DATA, attached=False), ca, data=DATA) == "expired"
    backdated = expired.create_cms(DATA, attached=False, signing_time=now - dt.timedelta(days=390))
    assert _refused(backdated, ca, data=DATA) == "expired"  # a claimed time does not revive it
    verify_cms(backdated, ca=ca, purpose="SIGNATURE", data=DATA, now=now - dt.timedelta(days=389))

    future = open_signing(issue(ca, valid_from=now + dt.timedelta(days=1)))
    assert _refused(future.create_cms(DATA, attached=False), ca, data=DATA) == "not_yet_valid"

    good = open_signing(issue(ca))
    ahead = good.create_cms(DATA, attached=False, signing_time=now + dt.timedelta(minutes=10))
    assert _refused(ahead, ca, data=DATA, now=now) == "not_yet_valid"
    slightly = good.create_cms(DATA, attached=False, signing_time=now + dt.timedelta(minutes=4))
    assert verify_cms(slightly, ca=ca, purpose="SIGNATURE", data=DATA, now=now).signed_at > now


def test_naive_now_is_kazakhstan_time(ca: LocalCA, signing: P12Signer) -> None:
    """A naive ``now`` is read as UTC+5, as the portal's calendar keeps it."""
    cms_der = signing.create_cms(DATA, attached=False, signing_time=WHEN)
    naive_kz = (WHEN + dt.timedelta(hours=5)).replace(tzinfo=None)
    verify_cms(cms_der, ca=ca, purpose="SIGNATURE", data=DATA, now=naive_kz)
    assert _refused(cms_der, ca, data=DATA, now=naive_kz - dt.timedelta(minutes=6)) == "not_yet_valid"


def test_revoked_signer(ca: LocalCA) -> None:
    """After revocation the same signature is refused."""
    key = open_signing(issue(ca))
    cms_der = key.create_cms(DATA, attached=False)
    verify_cms(cms_der, ca=ca, purpose="SIGNATURE", data=DATA)
    ca.revoke(key.certificate_serial)
    assert _refused(cms_der, ca, data=DATA) == "revoked"


def test_key_usage_per_purpose(ca: LocalCA, signing: P12Signer, auth: P12Signer) -> None:
    """The authentication key cannot sign documents and the signing key cannot sign in."""
    assert _refused(auth.create_cms(DATA, attached=False), ca, data=DATA) == "key_usage"
    assert _refused(signing.create_cms(b"c", attached=True), ca, purpose="AUTHENTICATION") == "key_usage"
    with pytest.raises(ValueError):
        verify_cms(signing.create_cms(DATA, attached=True), ca=ca, purpose="LOGIN")


def test_iin_mismatch(ca: LocalCA, signing: P12Signer) -> None:
    """The certificate's IIN must be the expected one."""
    cms_der = signing.create_cms(DATA, attached=False)
    assert _refused(cms_der, ca, data=DATA, expected_iin=OTHER_IIN) == "iin_mismatch"


def test_malformed_input(ca: LocalCA, signing: P12Signer) -> None:
    """Garbage, truncation, trailing bytes, other content types and two SignerInfos are cms_malformed."""
    good = signing.create_cms(DATA, attached=False)
    info = cms.ContentInfo.load(good)
    signer_info = info["content"]["signer_infos"][0]
    two = cms.ContentInfo.load(good)
    two["content"]["signer_infos"] = [cms.SignerInfo.load(signer_info.dump()), cms.SignerInfo.load(signer_info.dump())]
    data_only = cms.ContentInfo({"content_type": "data", "content": b"x"}).dump()
    for bad in (b"", b"\x30\x03\x02\x01\x01", b"garbage", good[:-20], good + b"\x00", data_only, two.dump()):
        assert _refused(bad, ca, data=DATA) == "cms_malformed"


def test_pyhanko_accepts_the_signature(ca: LocalCA, signing: P12Signer) -> None:
    """pyHanko's generic CMS validation, trusting only our root, finds the signature intact and trusted."""
    root = asn1_x509.Certificate.load(ca.cert_der("root"))
    issuing = asn1_x509.Certificate.load(ca.cert_der("issuing"))
    context = ValidationContext(trust_roots=[root], other_certs=[issuing], allow_fetching=False, moment=clock.utcnow())
    signed_data = cms.ContentInfo.load(signing.create_cms(DATA, attached=False))["content"]
    status = asyncio.run(async_validate_detached_cms(DATA, signed_data, signer_validation_context=context))
    assert status.intact and status.valid and status.trusted


def test_openssl_verifies_the_signature(ca: LocalCA, signing: P12Signer, tmp_path: Path) -> None:
    """openssl cms -verify accepts the detached signature with our chain as the trust store."""
    tool("openssl")
    (tmp_path / "sig.der").write_bytes(signing.create_cms(DATA, attached=False))
    (tmp_path / "data.bin").write_bytes(DATA)
    (tmp_path / "chain.pem").write_bytes(ca.root_cert_pem + ca.issuing_cert_pem)
    done = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", "sig.der", "-content", "data.bin",
         "-CAfile", "chain.pem", "-purpose", "any", "-attime", str(int(clock.utcnow().timestamp())),
         "-out", "/dev/null"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr


def test_flipped_bytes_never_escape_as_other_exceptions(ca: LocalCA, auth: P12Signer) -> None:
    """Whatever byte of a stamped CMS is flipped, the verifier and the stamp reader raise only EdsError."""
    good = add_signature_timestamp(auth.create_cms(b"challenge", attached=True), ca)
    for index in range(0, len(good), 5):
        bad = good[:index] + bytes([good[index] ^ 0x81]) + good[index + 1:]
        for check in (
            lambda der: verify_cms(der, ca=ca, purpose="AUTHENTICATION"),
            read_signature_timestamp,
        ):
            try:
                check(bad)
            except EdsError:
                pass
