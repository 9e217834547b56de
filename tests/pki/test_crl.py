"""Revocation, the issuing CA's CRL across processes, and the ``flask eds`` commands."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from asn1crypto import crl as asn1_crl
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from flask import Flask

from portal.pki import crl as crl_module
from portal.pki.ca import LocalCA
from portal.pki.cli import register_pki_cli
from tests.pki import IIN, PASSWORD, issue


def _crl(ca: LocalCA) -> x509.CertificateRevocationList:
    """Return the CA's current CRL, parsed."""
    return x509.load_der_x509_crl(ca.crl_der())


def _number(crl: x509.CertificateRevocationList) -> int:
    """Return the CRL number."""
    return crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number


def test_empty_crl_profile(tmp_path: Path) -> None:
    """A v2 CRL by the issuing CA, signed by its key, nextUpdate a week later, number 1."""
    ca = LocalCA.load_or_create(tmp_path)
    der = ca.crl_der()
    crl = x509.load_der_x509_crl(der)
    assert asn1_crl.CertificateList.load(der)["tbs_cert_list"]["version"].native == "v2"
    assert crl.issuer == ca.issuing_cert.subject and len(crl) == 0
    assert crl.is_signature_valid(ca.issuing_cert.public_key())  # type: ignore[arg-type]
    assert crl.next_update_utc - crl.last_update_utc == dt.timedelta(days=7)
    assert _number(crl) == 1
    aki = crl.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    ski = ca.issuing_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert aki.key_identifier == ski.digest
    assert (tmp_path / "issuing.crl").read_bytes() == der  # the cached file, where the folder store keeps it


def test_revocation_appears_in_the_crl(tmp_path: Path) -> None:
    """A revoked serial is listed with its date and reason; the cached CRL is replaced."""
    ca = LocalCA.load_or_create(tmp_path)
    keys = issue(ca)
    first = ca.crl_der()
    assert ca.crl_der() == first  # nothing changed: the cached file is served
    at = dt.datetime(2026, 2, 1, 8, 0, tzinfo=dt.timezone.utc)
    assert not ca.is_revoked(keys.signing_serial)
    assert ca.revoke(keys.signing_serial, "key_compromise", at) is True
    assert ca.is_revoked(keys.signing_serial) and not ca.is_revoked(keys.auth_serial)

    crl = _crl(ca)
    assert _number(crl) == 2
    entry = crl.get_revoked_certificate_by_serial_number(keys.signing_serial)
    assert entry is not None and entry.revocation_date_utc == at
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason == x509.ReasonFlags.key_compromise
    assert crl.get_revoked_certificate_by_serial_number(keys.auth_serial) is None


def test_revocation_details(tmp_path: Path) -> None:
    """Idempotent; unknown serials and reasons refused; 'unspecified' has no reason code; naive = UTC+5."""
    ca = LocalCA.load_or_create(tmp_path)
    keys = issue(ca)
    assert ca.revoke(keys.auth_serial, "unspecified", dt.datetime(2026, 2, 1, 13, 0)) is True
    assert ca.revoke(keys.auth_serial) is False
    with pytest.raises(ValueError):
        ca.revoke(12345)
    with pytest.raises(ValueError):
        ca.revoke(keys.signing_serial, "because")
    entry = _crl(ca).get_revoked_certificate_by_serial_number(keys.auth_serial)
    assert entry is not None and len(entry.extensions) == 0
    assert entry.revocation_date_utc == dt.datetime(2026, 2, 1, 8, 0, tzinfo=dt.timezone.utc)
    seal = x509.load_pem_x509_certificate(ca.provider_key(code="d", organisation="O", bin="123456789012").cert_pem)
    assert ca.revoke(seal.serial_number, "cessation_of_operation")  # seals are in the books too


def test_day_old_crl_is_regenerated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cached CRL older than a day is replaced even without new revocations."""
    ca = LocalCA.load_or_create(tmp_path)
    real_now = crl_module.now
    monkeypatch.setattr(crl_module, "now", lambda: real_now() - dt.timedelta(days=2))
    old = ca.crl_der()
    monkeypatch.setattr(crl_module, "now", real_now)
    fresh = _crl(ca)
    assert ca.crl_der() != old and _number(fresh) == 2
    assert abs(fresh.last_update_utc - real_now()) < dt.timedelta(minutes=1)


def test_another_instance_sees_revocations(tmp_path: Path) -> None:
    """Revocation state lives in the folder, not in the object."""
    one = LocalCA.load_or_create(tmp_path)
    keys = issue(one)
    one.crl_der()
    two = LocalCA.load_or_create(tmp_path)
    two.revoke(keys.signing_serial)
    assert one.is_revoked(keys.signing_serial)
    assert _crl(one).get_revoked_certificate_by_serial_number(keys.signing_serial) is not None


def _revoker(directory: str, serial: int, barrier: Any, out: Any) -> None:
    """Revoke one serial at the same moment as the other workers, then publish the CRL."""
    ca = LocalCA.load_or_create(Path(directory))
    barrier.wait()
    ca.revoke(serial)
    ca.crl_der()
    out.put(serial)


def test_concurrent_revocations_from_several_processes(tmp_path: Path) -> None:
    """Workers revoking at once lose nothing: the final CRL lists every serial."""
    ca = LocalCA.load_or_create(tmp_path)
    serials = [issue(ca).signing_serial for _ in range(4)]
    ctx = multiprocessing.get_context("fork")
    barrier, out = ctx.Barrier(len(serials)), ctx.Queue()
    procs = [ctx.Process(target=_revoker, args=(str(tmp_path), s, barrier, out)) for s in serials]
    for proc in procs:
        proc.start()
    done = sorted(out.get(timeout=60) for _ in procs)
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    assert done == sorted(serials)
    assert {entry.serial_number for entry in _crl(ca)} == set(serials)
    assert list(tmp_path.rglob("*.tmp")) == []


@pytest.fixture()
def cli_app(tmp_path: Path) -> Flask:
    """Return a tiny app with the CA and the ``eds`` commands."""
    app = Flask("pki-cli-test")
    app.extensions["portal"] = SimpleNamespace(ca=LocalCA.load_or_create(tmp_path / "pki"))
    register_pki_cli(app)
    return app


def test_cli_issue_revoke_publish(cli_app: Flask, tmp_path: Path) -> None:
    """issue writes two .p12 files; revoke takes the hex serial; publish-crl reports the count."""
    runner = cli_app.test_cli_runner()
    out_dir = tmp_path / "keys"
    result = runner.invoke(
        args=["eds", "issue", "--iin", IIN, "--surname", "Сейітова", "--name", "Айгүл",
              "--organisation", "№ 7 мектеп", "--bin", "990140001111", "--password", PASSWORD, "--out", str(out_dir)]
    )
    assert result.exit_code == 0, result.output
    paths = [Path(line) for line in result.output.split()]
    assert [p.name.startswith("RSA256_") for p in paths] == [True, False] and paths[1].name.startswith("AUTH_RSA256_")
    loaded = pkcs12.load_pkcs12(paths[0].read_bytes(), PASSWORD.encode())
    assert loaded.cert is not None and (paths[0].stat().st_mode & 0o777) == 0o600
    serial_hex = paths[0].stem.removeprefix("RSA256_")
    assert int(serial_hex, 16) == loaded.cert.certificate.serial_number

    result = runner.invoke(args=["eds", "revoke", serial_hex, "--reason", "affiliation_changed"])
    assert result.exit_code == 0 and serial_hex in result.output
    assert runner.invoke(args=["eds", "revoke", serial_hex]).output.strip().endswith("already revoked")
    assert runner.invoke(args=["eds", "revoke", "zz"]).exit_code != 0
    assert runner.invoke(args=["eds", "revoke", "abcdef"]).exit_code != 0  # never issued

    result = runner.invoke(args=["eds", "publish-crl"])
    ca: LocalCA = cli_app.extensions["portal"].ca
    assert result.exit_code == 0 and ca.crl_location in result.output and "(1 revoked)" in result.output
    assert x509.load_der_x509_crl(Path(ca.crl_location).read_bytes()).get_revoked_certificate_by_serial_number(int(serial_hex, 16))


def test_cli_issue_refuses_bad_input(cli_app: Flask, tmp_path: Path) -> None:
    """A malformed IIN is reported, not a traceback."""
    result = cli_app.test_cli_runner().invoke(
        args=["eds", "issue", "--iin", "123", "--surname", "A", "--name", "B", "--password", "x",
              "--out", str(tmp_path / "k")]
    )
    assert result.exit_code != 0 and "IIN" in result.output
