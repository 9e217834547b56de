"""What goes into an official document is exactly the documented CMS: extras are refused or dropped."""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import Encoding

from portal.pki.ca import LocalCA
from portal.pki.cms import EdsError, add_signature_timestamp, read_signature_timestamp, verify_cms
from portal.pki.cmsbuild import signed_attrs_set_of
from portal.pki.names import subject_fields
from portal.pki.testsigner import P12Signer

DATA = b"the prepared bytes of a PDF"
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=5)))


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> LocalCA:
    return LocalCA.load_or_create(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="module")
def signer(ca: LocalCA) -> P12Signer:
    keys = ca.issue_person(iin="860412412345", surname="Сейітова", name="Айгүл", password="pw-12345",
                           valid_from=NOW - dt.timedelta(days=10))
    return P12Signer.from_p12(keys.signing_p12, "pw-12345")


def test_an_extra_signed_attribute_is_refused(ca: LocalCA, signer: P12Signer) -> None:
    info = cms.ContentInfo.load(signer.create_cms(DATA, attached=False, signing_time=NOW))
    signer_info = info["content"]["signer_infos"][0]
    extra = cms.CMSAttribute({"type": "1.3.6.1.4.1.99999.666", "values": [cms.ContentInfo({"content_type": "data"})]})
    signer_info["signed_attrs"] = cms.CMSAttributes([*signer_info["signed_attrs"], extra])
    signer_info["signature"] = signer.key.sign(signed_attrs_set_of(signer_info), padding.PKCS1v15(), hashes.SHA256())
    with pytest.raises(EdsError) as err:
        verify_cms(info.dump(force=True), ca=ca, purpose="SIGNATURE", data=DATA, now=NOW)
    assert err.value.code == "cms_malformed"


def test_timestamping_keeps_only_the_signer_certificate_and_our_timestamp(ca: LocalCA, signer: P12Signer) -> None:
    info = cms.ContentInfo.load(signer.create_cms(DATA, attached=False, signing_time=NOW))
    signed_data, signer_info = info["content"], info["content"]["signer_infos"][0]
    root = cms.CertificateChoices.load(x509.load_pem_x509_certificate(ca.root_cert_pem).public_bytes(Encoding.DER))
    signed_data["certificates"] = cms.CertificateSet([*signed_data["certificates"], root])
    stray = cms.CMSAttribute({"type": "1.3.6.1.4.1.99999.666", "values": [cms.ContentInfo({"content_type": "data"})]})
    signer_info["unsigned_attrs"] = cms.CMSAttributes([stray])
    stamped = cms.ContentInfo.load(add_signature_timestamp(info.dump(force=True), ca))
    certs = stamped["content"]["certificates"]
    assert len(certs) == 1 and certs[0].chosen.sha256 == hashlib.sha256(signer.certificate.public_bytes(
        Encoding.DER)).digest()
    unsigned = stamped["content"]["signer_infos"][0]["unsigned_attrs"]
    assert [a["type"].native for a in unsigned] == ["signature_time_stamp_token"]
    assert read_signature_timestamp(stamped.dump()) is not None
    verify_cms(stamped.dump(), ca=ca, purpose="SIGNATURE", data=DATA, now=NOW)  # the signature still holds


@pytest.mark.parametrize("serial", ["IIN٨٦٠٤١٢٤١٢٣٤٥", "IIN860412412345\n", "iin860412412345", "IIN86041241234"])
def test_only_a_plain_iin_counts(serial: str) -> None:
    name = x509.Name([x509.NameAttribute(x509.oid.NameOID.SERIAL_NUMBER, serial)])
    assert subject_fields(name).iin == ""
