"""The two-level CA: persistence, URLs, the legacy upgrade, person certificates and their .p12 files."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from asn1crypto import pkcs12 as asn1_pkcs12
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from portal import clock
from tests.tools import tool
from portal.pki.ca import LocalCA
from portal.pki.errors import EdsError
from portal.pki.testsigner import P12Signer
from tests.pki import BIN, IIN, PASSWORD, issue


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> LocalCA:
    """Return one CA for the module."""
    return LocalCA.load_or_create(tmp_path_factory.mktemp("ca"))


def _values(name: x509.Name, oid: x509.ObjectIdentifier) -> list[str]:
    """Return all values of a name attribute."""
    return [str(a.value) for a in name.get_attributes_for_oid(oid)]


def _urls(cert: x509.Certificate) -> tuple[str, str]:
    """Return (CRL distribution point, AIA caIssuers) URLs."""
    points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    access = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    return points[0].full_name[0].value, access[0].access_location.value  # type: ignore[index]


def _load_p12_cert(data: bytes) -> x509.Certificate:
    """Open a .p12 with the test password and return its end-entity certificate."""
    loaded = pkcs12.load_pkcs12(data, PASSWORD.encode())
    assert loaded.cert is not None
    return loaded.cert.certificate


def test_public_url_goes_into_every_end_entity_certificate(tmp_path: Path) -> None:
    """Seals, persons and the TSA point to <public_url>/pki/issuing.crl and /pki/issuing.cer."""
    ca = LocalCA.load_or_create(tmp_path, "https://edu.example.kz/")
    seal = x509.load_pem_x509_certificate(ca.provider_key(code="dept", organisation="Org", bin=BIN).cert_pem)
    keys = issue(ca)
    certs = [seal, _load_p12_cert(keys.signing_p12), _load_p12_cert(keys.auth_p12), ca.tsa().certificate]
    expected = ("https://edu.example.kz/pki/issuing.crl", "https://edu.example.kz/pki/issuing.cer")
    assert all(_urls(cert) == expected for cert in certs)


def test_changed_public_url_reissues_the_seal_on_its_key(tmp_path: Path) -> None:
    """A seal made under another public URL gets a new certificate for the same key."""
    first = LocalCA.load_or_create(tmp_path, "http://old.example").provider_key(code="d", organisation="O", bin=BIN)
    second = LocalCA.load_or_create(tmp_path, "http://new.example").provider_key(code="d", organisation="O", bin=BIN)
    assert second.key_pem == first.key_pem and second.cert_pem != first.cert_pem
    assert _urls(x509.load_pem_x509_certificate(second.cert_pem))[0] == "http://new.example/pki/issuing.crl"


def _legacy_folder(directory: Path) -> tuple[rsa.RSAPrivateKey, x509.Certificate, x509.Certificate]:
    """Write what the former one-level CA left: a pathlen-0 root and a seal it signed directly."""
    directory.mkdir()
    (directory / "providers").mkdir()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Portal Test National CA (NOT FOR PRODUCTION)")])
    start = clock.utcnow() - dt.timedelta(days=10)
    root = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(7).not_valid_before(start).not_valid_after(start + dt.timedelta(days=3652))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    seal_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    seal = (
        x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Old seal")]))
        .issuer_name(name).public_key(seal_key.public_key()).serial_number(8)
        .not_valid_before(start).not_valid_after(start + dt.timedelta(days=1000))
        .sign(key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    plain = serialization.NoEncryption()
    (directory / "root.key.pem").write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8, plain))
    (directory / "root.cert.pem").write_bytes(root.public_bytes(pem))
    (directory / "providers" / "dept.key.pem").write_bytes(
        seal_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, plain)
    )
    (directory / "providers" / "dept.cert.pem").write_bytes(seal.public_bytes(pem))
    return key, root, seal


def test_legacy_one_level_folder_gets_an_issuing_ca_under_its_root(tmp_path: Path) -> None:
    """The old root keeps key and name (old signatures still chain); seals move under the issuing CA."""
    directory = tmp_path / "legacy"
    root_key, old_root, old_seal = _legacy_folder(directory)
    ca = LocalCA.load_or_create(directory)

    assert ca.root_cert.subject == old_root.subject
    assert ca.root_cert.public_key() == root_key.public_key()
    assert ca.root_cert.extensions.get_extension_for_class(x509.BasicConstraints).value.path_length != 0
    ca.issuing_cert.verify_directly_issued_by(ca.root_cert)
    old_seal.verify_directly_issued_by(ca.root_cert)  # what the old root signed still verifies

    seal = ca.provider_key(code="dept", organisation="Department", bin=BIN)
    cert = x509.load_pem_x509_certificate(seal.cert_pem)
    cert.verify_directly_issued_by(ca.issuing_cert)
    assert cert.public_key() == old_seal.public_key()
    assert seal.chain_pem == [ca.issuing_cert_pem, ca.root_cert_pem]
    assert LocalCA.load_or_create(directory).root_cert_pem == ca.root_cert_pem  # upgraded once


def test_person_certificate_profiles(ca: LocalCA) -> None:
    """Subject like a Kazakh certificate; signing = nonRepudiation; auth = clientAuth; one year."""
    keys = issue(ca, patronymic="Серікқызы")
    signing, auth = _load_p12_cert(keys.signing_p12), _load_p12_cert(keys.auth_p12)
    for cert in (signing, auth):
        assert _values(cert.subject, NameOID.COMMON_NAME) == ["СЕЙІТОВА АЙГҮЛ"]
        assert _values(cert.subject, NameOID.SERIAL_NUMBER) == [f"IIN{IIN}"]
        assert _values(cert.subject, NameOID.COUNTRY_NAME) == ["KZ"]
        assert _values(cert.subject, NameOID.GIVEN_NAME) == ["Серікқызы"]
        assert not _values(cert.subject, NameOID.ORGANIZATION_NAME)
        cert.verify_directly_issued_by(ca.issuing_cert)
        assert cert.not_valid_after_utc - cert.not_valid_before_utc == dt.timedelta(days=365)
        assert isinstance(cert.public_key(), rsa.RSAPublicKey) and cert.public_key().key_size == 2048
        assert _urls(cert) == ("http://127.0.0.1:5000/pki/issuing.crl", "http://127.0.0.1:5000/pki/issuing.cer")
        assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca

    usage = signing.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_encipherment
    with pytest.raises(x509.ExtensionNotFound):
        signing.extensions.get_extension_for_class(x509.ExtendedKeyUsage)

    usage = auth.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.value.digital_signature and usage.value.key_encipherment and not usage.value.content_commitment
    assert list(auth.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value) == [
        ExtendedKeyUsageOID.CLIENT_AUTH
    ]

    assert (keys.signing_serial, keys.auth_serial) == (signing.serial_number, auth.serial_number)
    assert keys.signing_filename == f"RSA256_{signing.serial_number:x}.p12"
    assert keys.auth_filename == f"AUTH_RSA256_{auth.serial_number:x}.p12"
    books = {r["serial"]: r for r in ca.registry.issued()}
    assert books[f"{signing.serial_number:x}"]["kind"] == "person-signing"
    assert books[f"{auth.serial_number:x}"]["not_after"] == auth.not_valid_after_utc.isoformat()
    assert "IIN850412400123" in books[f"{auth.serial_number:x}"]["subject"]


def test_staff_certificate_names_the_organisation(ca: LocalCA) -> None:
    """Staff of a legal entity carry O=<organisation> and OU=BIN<bin>."""
    keys = issue(ca, organisation="№ 7 мектеп-гимназия", bin=BIN)
    cert = _load_p12_cert(keys.signing_p12)
    assert _values(cert.subject, NameOID.ORGANIZATION_NAME) == ["№ 7 мектеп-гимназия"]
    assert _values(cert.subject, NameOID.ORGANIZATIONAL_UNIT_NAME) == [f"BIN{BIN}"]
    assert not _values(cert.subject, NameOID.GIVEN_NAME)


def test_p12_opens_with_the_password_and_holds_the_chain(ca: LocalCA) -> None:
    """The .p12 holds the key, its certificate and the chain (issuing CA, root)."""
    keys = issue(ca)
    loaded = pkcs12.load_pkcs12(keys.signing_p12, PASSWORD.encode("utf-8"))
    assert loaded.key is not None and loaded.cert is not None
    assert loaded.key.public_key() == loaded.cert.certificate.public_key()
    assert [c.certificate for c in loaded.additional_certs] == [ca.issuing_cert, ca.root_cert]
    with pytest.raises(ValueError):
        pkcs12.load_pkcs12(keys.signing_p12, b"wrong")


def test_p12_uses_pbes2_aes256_and_an_hmac_sha256_mac(ca: LocalCA) -> None:
    """Key bag and certificate bag: PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC); MAC HMAC-SHA256."""
    pfx = asn1_pkcs12.Pfx.load(issue(ca).auth_p12)
    assert pfx["mac_data"]["mac"]["digest_algorithm"]["algorithm"].native == "sha256"
    schemes = []
    for info in pfx.authenticated_safe:
        if info["content_type"].native == "encrypted_data":
            schemes.append(info["content"]["encrypted_content_info"]["content_encryption_algorithm"])
        else:
            bags = asn1_pkcs12.SafeContents.load(info["content"].native)
            schemes += [bag["bag_value"]["encryption_algorithm"] for bag in bags]
    assert len(schemes) == 2
    for scheme in schemes:
        assert scheme["algorithm"].native == "pbes2"
        assert scheme.kdf == "pbkdf2" and scheme.kdf_hmac == "sha256"
        assert scheme.encryption_cipher == "aes" and scheme.key_length == 32


def test_openssl_reads_the_p12(ca: LocalCA, tmp_path: Path) -> None:
    """OpenSSL opens the .p12 with the UTF-8 password and reports PBES2/AES-256."""
    tool("openssl")
    path = tmp_path / "key.p12"
    path.write_bytes(issue(ca).signing_p12)
    done = subprocess.run(
        ["openssl", "pkcs12", "-info", "-in", str(path), "-noout", "-passin", "env:P12PASS"],
        capture_output=True,
        text=True,
        env={"P12PASS": PASSWORD, "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert "AES-256-CBC" in done.stderr + done.stdout and "MAC: sha256" in done.stderr + done.stdout


def test_p12_signer_refuses_wrong_password_and_non_p12(ca: LocalCA) -> None:
    """A wrong password and a file that is not a .p12 have their own codes."""
    keys = issue(ca)
    with pytest.raises(EdsError) as wrong:
        P12Signer.from_p12(keys.signing_p12, "not the password")
    assert wrong.value.code == "wrong_password"
    for junk in (b"", b"garbage", ca.root_cert_pem, ca.cert_der("root")):
        with pytest.raises(EdsError) as bad:
            P12Signer.from_p12(junk, PASSWORD)
        assert bad.value.code == "not_a_p12"


@pytest.mark.parametrize(
    "changes",
    [
        {"iin": "12345"},
        {"iin": "85041240012a"},
        {"surname": "  "},
        {"organisation": "School"},
        {"bin": BIN},
        {"organisation": "School", "bin": "123"},
        {"password": ""},
        {"valid_days": 0},
        {"surname": "Ұ" * 60},
    ],
)
def test_bad_person_input_is_refused(ca: LocalCA, changes: dict[str, object]) -> None:
    """Refuse malformed IINs and BINs, half a staff identity, empty passwords, too long names."""
    with pytest.raises(ValueError):
        issue(ca, **changes)


def test_validity_window_can_be_set(ca: LocalCA) -> None:
    """valid_from/valid_days fix the window; a naive valid_from is Kazakhstan time (UTC+5)."""
    start = dt.datetime(2025, 1, 10, 12, 0, tzinfo=dt.timezone.utc)
    cert = _load_p12_cert(issue(ca, valid_from=start, valid_days=30).signing_p12)
    assert (cert.not_valid_before_utc, cert.not_valid_after_utc) == (start, start + dt.timedelta(days=30))
    naive = _load_p12_cert(issue(ca, valid_from=dt.datetime(2025, 1, 10, 17, 0)).signing_p12)
    assert naive.not_valid_before_utc == start


def test_tsa_certificate_profile(ca: LocalCA) -> None:
    """The TSA: issued by the issuing CA, EKU timeStamping only and critical, made once."""
    cert = ca.tsa().certificate
    cert.verify_directly_issued_by(ca.issuing_cert)
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert eku.critical and list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    assert ca.tsa() is ca.tsa()
    assert LocalCA.load_or_create(ca.store).tsa().certificate == cert
    assert [r["kind"] for r in ca.registry.issued()].count("tsa") == 1
