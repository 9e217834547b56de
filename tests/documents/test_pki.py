"""The portal's local test CA: creation, reloading, seal certificates, concurrency (two levels)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import stat
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from portal.pki.ca import IssuedKey, LocalCA

ORG = "«Петропавл қаласының білім бөлімі» коммуналдық мемлекеттік мекемесі"
BIN = "040340001234"


def _attr(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    """Return the single value of a name attribute."""
    values = name.get_attributes_for_oid(oid)
    assert len(values) == 1
    return str(values[0].value)


def test_root_created_once_and_reloaded_identically(tmp_path: Path) -> None:
    """Create root and issuing CA on first use; later loads return the same files untouched."""
    directory = tmp_path / "ca"
    first = LocalCA.load_or_create(directory)
    names = ("root.key.pem", "root.cert.pem", "issuing.key.pem", "issuing.cert.pem")
    before = {name: (directory / name).read_bytes() for name in names}
    for key_name in ("root.key.pem", "issuing.key.pem"):
        assert stat.S_IMODE((directory / key_name).stat().st_mode) == 0o600

    second = LocalCA.load_or_create(directory)
    assert second.root_cert_pem == first.root_cert_pem == before["root.cert.pem"]
    assert second.issuing_cert_pem == first.issuing_cert_pem == before["issuing.cert.pem"]
    assert {name: (directory / name).read_bytes() for name in names} == before
    assert second.trust_roots_pem() == [before["root.cert.pem"]]
    assert sorted(p.name for p in directory.iterdir() if p.is_file()) == sorted(names)


def test_root_certificate_profile(tmp_path: Path) -> None:
    """The root is a KZ CA marked NOT FOR PRODUCTION, RSA-3072, valid about ten years, one CA below it."""
    ca = LocalCA.load_or_create(tmp_path)
    cert = x509.load_pem_x509_certificate(ca.root_cert_pem)
    assert _attr(cert.subject, NameOID.COMMON_NAME) == "Portal Test National Root CA (NOT FOR PRODUCTION)"
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.path_length != 0
    assert _attr(cert.subject, NameOID.COUNTRY_NAME) == "KZ"
    assert _attr(cert.subject, NameOID.ORGANIZATION_NAME)
    assert cert.issuer == cert.subject
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.crl_sign
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert dt.timedelta(days=3640) < lifetime < dt.timedelta(days=3660)
    public = cert.public_key()
    assert isinstance(public, rsa.RSAPublicKey) and public.key_size == 3072


def test_issuing_ca_profile(tmp_path: Path) -> None:
    """The issuing CA: signed by the root, RSA-2048, pathlen 0, about five years."""
    ca = LocalCA.load_or_create(tmp_path)
    root = x509.load_pem_x509_certificate(ca.root_cert_pem)
    issuing = x509.load_pem_x509_certificate(ca.issuing_cert_pem)
    assert _attr(issuing.subject, NameOID.COMMON_NAME) == "Portal Test NCA Issuing CA (NOT FOR PRODUCTION)"
    issuing.verify_directly_issued_by(root)
    constraints = issuing.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca and constraints.value.path_length == 0
    usage = issuing.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.crl_sign and not usage.digital_signature
    lifetime = issuing.not_valid_after_utc - issuing.not_valid_before_utc
    assert dt.timedelta(days=1820) < lifetime < dt.timedelta(days=1830)
    public = issuing.public_key()
    assert isinstance(public, rsa.RSAPublicKey) and public.key_size == 2048


def test_provider_certificate_profile(tmp_path: Path) -> None:
    """A seal certificate names the organisation, its BIN, and allows signing only."""
    ca = LocalCA.load_or_create(tmp_path)
    issued = ca.provider_key(code="petropavl-edu", organisation=ORG, bin=BIN)
    cert = x509.load_pem_x509_certificate(issued.cert_pem)

    assert _attr(cert.subject, NameOID.ORGANIZATION_NAME) == ORG
    assert _attr(cert.subject, NameOID.ORGANIZATIONAL_UNIT_NAME) == f"BIN{BIN}"
    assert _attr(cert.subject, NameOID.COUNTRY_NAME) == "KZ"
    common_name = _attr(cert.subject, NameOID.COMMON_NAME)
    assert len(common_name.encode()) <= 64 and ORG.startswith(common_name.rstrip("…"))

    usage_ext = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage_ext.critical
    assert usage_ext.value.digital_signature and usage_ext.value.content_commitment
    assert not usage_ext.value.key_cert_sign
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca

    issuing = x509.load_pem_x509_certificate(ca.issuing_cert_pem)
    cert.verify_directly_issued_by(issuing)
    points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert points[0].full_name[0].value == "http://127.0.0.1:5000/pki/issuing.crl"
    access = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    assert access[0].access_location.value == "http://127.0.0.1:5000/pki/issuing.cer"
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert dt.timedelta(days=1090) < lifetime < dt.timedelta(days=1100)

    key = serialization.load_pem_private_key(issued.key_pem, password=None)
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 2048
    assert key.public_key() == cert.public_key()
    assert issued.key_pem.startswith(b"-----BEGIN PRIVATE KEY-----")  # PKCS#8, unencrypted
    assert issued.chain_pem == [ca.issuing_cert_pem, ca.root_cert_pem]
    assert [r["kind"] for r in ca.registry.issued()] == ["seal:petropavl-edu"]


def test_provider_key_is_stable(tmp_path: Path) -> None:
    """Two calls, and a fresh CA object on the same directory, give the same key and cert."""
    ca = LocalCA.load_or_create(tmp_path)
    one = ca.provider_key(code="school-7", organisation="№ 7 мектеп-гимназия", bin="990140001111")
    two = ca.provider_key(code="school-7", organisation="№ 7 мектеп-гимназия", bin="990140001111")
    three = LocalCA.load_or_create(tmp_path).provider_key(
        code="school-7", organisation="№ 7 мектеп-гимназия", bin="990140001111"
    )
    assert one == two == three
    assert (tmp_path / "providers" / "school-7.key.pem").exists()
    assert (tmp_path / "providers" / "school-7.cert.pem").exists()
    other = ca.provider_key(code="school-8", organisation="№ 8 мектеп", bin="990140002222")
    assert other.cert_pem != one.cert_pem and other.key_pem != one.key_pem


def test_changed_organisation_reissues_certificate_for_same_key(tmp_path: Path) -> None:
    """A renamed organisation gets a new certificate on the key it already has."""
    ca = LocalCA.load_or_create(tmp_path)
    before = ca.provider_key(code="dept", organisation="Old name", bin=BIN)
    after = ca.provider_key(code="dept", organisation="New name", bin=BIN)
    assert after.key_pem == before.key_pem
    assert after.cert_pem != before.cert_pem
    cert = x509.load_pem_x509_certificate(after.cert_pem)
    assert _attr(cert.subject, NameOID.ORGANIZATION_NAME) == "New name"


@pytest.mark.parametrize(
    ("code", "organisation", "bin_value"),
    [
        ("../escape", "Org", BIN),
        ("", "Org", BIN),
        ("ok", "Org", "12345"),
        ("ok", "Org", "12345678901a"),
        ("ok", "   ", BIN),
    ],
)
def test_provider_key_rejects_bad_input(tmp_path: Path, code: str, organisation: str, bin_value: str) -> None:
    """Refuse codes that are not file-name safe, malformed BINs and empty names."""
    ca = LocalCA.load_or_create(tmp_path)
    with pytest.raises(ValueError):
        ca.provider_key(code=code, organisation=organisation, bin=bin_value)


def _worker(directory: str, barrier: Any, out: Any) -> None:
    """Start at the same moment as the other workers and report what was loaded."""
    barrier.wait()
    ca = LocalCA.load_or_create(Path(directory))
    issued: IssuedKey = ca.provider_key(code="shared", organisation="Shared org", bin=BIN)
    out.put((ca.root_cert_pem, ca.issuing_cert_pem, issued.key_pem, issued.cert_pem))


def test_concurrent_first_use_agrees_on_one_root_and_key(tmp_path: Path) -> None:
    """Several processes starting on an empty directory all end up with the same files."""
    ctx = multiprocessing.get_context("fork")
    workers = 4
    barrier = ctx.Barrier(workers)
    out: Any = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(str(tmp_path / "ca"), barrier, out)) for _ in range(workers)]
    for proc in procs:
        proc.start()
    results = [out.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    assert len(set(results)) == 1
    root_pem, issuing_pem, key_pem, cert_pem = results[0]
    directory = tmp_path / "ca"
    assert (directory / "root.cert.pem").read_bytes() == root_pem
    assert (directory / "issuing.cert.pem").read_bytes() == issuing_pem
    assert (directory / "providers" / "shared.key.pem").read_bytes() == key_pem
    assert (directory / "providers" / "shared.cert.pem").read_bytes() == cert_pem
    leftovers = [p.name for p in directory.rglob("*.tmp")]
    assert leftovers == []
    assert len(LocalCA.load_or_create(directory).registry.issued()) == 1  # one seal recorded, not one per worker
