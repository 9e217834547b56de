"""A Python stand-in for the browser signer: opens a .p12 and answers NCALayer messages.

It writes byte for byte the CMS layout of docs/eds.md, so tests can sign
without a browser; the JavaScript signer must produce identical bytes for
the same key, data and signing time.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
from typing import Any

from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID

from portal import clock
from portal.pki.cmsbuild import attribute, der_set, signed_data_der, signing_certificate_v2, signing_time_value
from portal.pki.errors import EdsError

MODULE = "kz.gov.pki.knca.commonUtils"
METHOD = "createCMSSignatureFromBase64"


def _is_pfx(data: bytes) -> bool:
    """Tell whether ``data`` is at least a PKCS#12 PFX structure (version 3)."""
    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        return pfx["version"].native == "v3" and pfx["auth_safe"]["content_type"].native in ("data", "signed_data")
    except Exception:  # noqa: BLE001 - any decoding problem means "not a .p12"
        return False


class P12Signer:
    """A person's key from a .p12, signing like the browser signer."""

    def __init__(self, key: rsa.RSAPrivateKey, certificate: x509.Certificate) -> None:
        """Hold the private key and its certificate."""
        self.key = key
        self.certificate = certificate
        self._cert = asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))

    @classmethod
    def from_p12(cls, data: bytes, password: str) -> P12Signer:
        """Open a .p12; raise EdsError not_a_p12 or wrong_password."""
        if not _is_pfx(data):
            raise EdsError("not_a_p12", "the file is not a PKCS#12 container")
        try:
            loaded = pkcs12.load_pkcs12(data, password.encode("utf-8"))
        except ValueError as exc:
            raise EdsError("wrong_password", "the password does not open this .p12") from exc
        if loaded.key is None or loaded.cert is None:
            raise EdsError("not_a_p12", "the .p12 holds no key with a certificate")
        if not isinstance(loaded.key, rsa.RSAPrivateKey):
            raise EdsError("not_a_p12", "only RSA keys are supported")
        return cls(loaded.key, loaded.cert.certificate)

    @property
    def certificate_serial(self) -> int:
        """Return the serial number of the key's certificate."""
        return self.certificate.serial_number

    def purposes(self) -> set[str]:
        """Return what the key may do: SIGNATURE (nonRepudiation), AUTHENTICATION (EKU clientAuth)."""
        found: set[str] = set()
        try:
            usage = self.certificate.extensions.get_extension_for_class(x509.KeyUsage).value
        except x509.ExtensionNotFound:
            return found
        if usage.content_commitment:
            found.add("SIGNATURE")
        try:
            eku = self.certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        except x509.ExtensionNotFound:
            eku = x509.ExtendedKeyUsage([])
        if usage.digital_signature and ExtendedKeyUsageOID.CLIENT_AUTH in eku:
            found.add("AUTHENTICATION")
        return found

    def create_cms(self, data: bytes, *, attached: bool, signing_time: dt.datetime | None = None) -> bytes:
        """Return the CAdES-BES CMS (DER) of docs/eds.md over ``data``."""
        when = signing_time or clock.utcnow()
        signed_attrs = der_set(
            [
                attribute("content_type", "data"),
                attribute("signing_time", signing_time_value(when)),
                attribute("message_digest", hashlib.sha256(data).digest()),
                attribute("signing_certificate_v2", signing_certificate_v2(self._cert)),
            ]
        )
        signature = self.key.sign(signed_attrs, padding.PKCS1v15(), hashes.SHA256())
        return signed_data_der(
            version="v1",
            content_type="data",
            content=data if attached else None,
            certificates=[self._cert],
            signer=self._cert,
            signed_attrs_set=signed_attrs,
            signature=signature,
        )

    def handle(self, message: dict[str, Any]) -> dict[str, str]:
        """Answer an NCALayer commonUtils message as NCALayer would."""
        try:
            if message.get("module") != MODULE or message.get("method") != METHOD:
                raise ValueError(f"only {MODULE}.{METHOD} is supported")
            args = message.get("args")
            if not isinstance(args, list) or len(args) != 4:
                raise ValueError("args must be [storage, purpose, base64 data, attached]")
            storage, purpose, data_b64, attached = args
            if storage != "PKCS12":
                raise ValueError("only the PKCS12 storage is supported")
            if purpose not in ("SIGNATURE", "AUTHENTICATION"):
                raise ValueError("purpose must be SIGNATURE or AUTHENTICATION")
            if not isinstance(attached, bool) or not isinstance(data_b64, str):
                raise ValueError("data must be base64 text and attached a boolean")
            if purpose not in self.purposes():
                raise ValueError(f"this key cannot be used for {purpose}")
            data = base64.b64decode(data_b64, validate=True)
        except (ValueError, binascii.Error) as exc:
            return {"code": "500", "message": str(exc)}
        cms_der = self.create_cms(data, attached=attached)
        return {"code": "200", "responseObject": base64.b64encode(cms_der).decode("ascii")}
