"""The seal's CMS signer: pyHanko's SimpleSigner with its per-signature constants built once.

* the private key is parsed once (stock ``SimpleSigner.sign_raw`` re-parses the DER key, with OpenSSL's
  RSA consistency check, on every signature);
* the signed attributes are assembled as DER from pre-encoded parts (asn1crypto re-encodes freshly built
  values on every ``dump()``), and so are the signer's info and the SignedData around them (the
  certificates, the signer's identifier and its algorithms are the same on every signature);
* the signature mechanism is built once per digest, not five times a signature.
"""

from __future__ import annotations

from typing import Any

from asn1crypto import algos, cms
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pyhanko.sign import signers
from pyhanko.sign.general import as_signing_certificate_v2, simple_cms_attribute
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko_certvalidator.registry import SimpleCertificateStore

from portal.pki.ca import IssuedKey

#: contentType id-signedData (1.2.840.113549.1.7.2), encoded
_SIGNED_DATA_OID = cms.ContentType("signed_data").dump()
#: attrType id-messageDigest (1.2.840.113549.1.9.4), encoded
_MESSAGE_DIGEST_OID = cms.CMSAttributeType("message_digest").dump()
#: the encapsulated content pyHanko gives a PDF signature: of type data, the data itself left out
_DETACHED = {"content_type": "data"}


class LoadedKeySigner(signers.SimpleSigner):
    """A SimpleSigner that keeps the parsed private key instead of re-parsing it."""

    def __init__(self, key: IssuedKey) -> None:
        """Parse the key and certificates once."""
        private = serialization.load_pem_private_key(key.key_pem, password=None)
        if not isinstance(private, rsa.RSAPrivateKey):
            raise ValueError("only RSA seal keys are supported")
        self._private_key = private
        cert = asn1_x509.Certificate.load(_pem_to_der(key.cert_pem))
        chain = [asn1_x509.Certificate.load(_pem_to_der(pem)) for pem in key.chain_pem]
        registry = SimpleCertificateStore()
        registry.register_multiple(chain)
        key_info = asn1_keys.PrivateKeyInfo.load(
            private.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        super().__init__(signing_cert=cert, signing_key=key_info, cert_registry=registry)
        self.cms_size = len(cert.dump()) + sum(len(c.dump()) for c in chain)
        self._content_type_attr = simple_cms_attribute("content_type", "data").dump()
        self._signing_cert_attr = simple_cms_attribute(
            "signing_certificate_v2", as_signing_certificate_v2(cert)).dump()
        #: by (digest, CMS version): the SignedData's DER before its signer infos, and the signer info's DER
        #: before its signed attributes and between them and the signature
        self._heads: dict[tuple[Any, ...], tuple[bytes, bytes, bytes]] = {}
        self._mechanisms: dict[str | None, algos.SignedDigestAlgorithm] = {}

    def get_signature_mechanism_for_digest(self, digest_algorithm: str | None) -> algos.SignedDigestAlgorithm:
        """Return pyHanko's mechanism for the seal's key, built once per digest and kept as parsed DER.

        pyHanko builds it anew from the certificate's key each time it is asked, five times a signature.
        """
        mechanism = self._mechanisms.get(digest_algorithm)
        if mechanism is None:
            built = super().get_signature_mechanism_for_digest(digest_algorithm)
            mechanism = algos.SignedDigestAlgorithm.load(built.dump())
            mechanism.native  # parsed whole before threads share it: asn1crypto parses on first use, in steps
            self._mechanisms[digest_algorithm] = mechanism
        return mechanism

    async def signed_attrs(  # type: ignore[override]
        self,
        data_digest: bytes,
        digest_algorithm: str,
        attr_settings: PdfCMSSignedAttributes | None = None,
        content_type: str = "data",
        use_pades: bool = False,
        timestamper: Any = None,
        dry_run: bool = False,
        is_pdf_sig: bool = True,
    ) -> cms.CMSAttributes:
        """Return PAdES signed attributes built from pre-encoded parts.

        For a PAdES PDF signature without timestamp or CAdES extras pyHanko 0.38
        signs exactly content-type, message-digest and signing-certificate-v2.
        asn1crypto re-encodes freshly built values on every ``dump()`` (and
        dumps nested SET OFs repeatedly), which cost ~10 ms per signature; the
        result here is parsed back from DER, so later dumps are free. Any other
        combination falls back to pyHanko. A test checks both give equal DER.
        """
        # pyHanko uses a timestamper among the signed attributes only for a CAdES content
        # timestamp (cades_signed_attrs, excluded below); the signature timestamp is unsigned.
        plain = (
            digest_algorithm == "sha256"  # the attributes' DER order below holds for its 32-byte digest
            and use_pades
            and is_pdf_sig
            and content_type == "data"
            and self.signed_attr_prov_spec is None
            and (attr_settings is None or attr_settings.cades_signed_attrs is None)
        )
        if not plain:
            return await super().signed_attrs(
                data_digest,
                digest_algorithm,
                attr_settings=attr_settings,
                content_type=content_type,
                use_pades=use_pades,
                timestamper=timestamper,
                dry_run=dry_run,
                is_pdf_sig=is_pdf_sig,
            )
        attrs = self._content_type_attr + _der(0x30, _MESSAGE_DIGEST_OID + _der(0x31, _der(0x04, data_digest)))
        return cms.CMSAttributes.load(_der(0x31, attrs + self._signing_cert_attr))

    def _package_signature(  # type: ignore[override]
        self, *, digest_algorithm: str, cms_version: Any, signed_attrs: cms.CMSAttributes, signature: bytes,
        unsigned_attrs: cms.CMSAttributes | None, encap_content_info: Any,
    ) -> cms.ContentInfo:
        """Return pyHanko's SignedData assembled as DER around the signed attributes and the signature.

        Everything else is the same on every signature: the version, digest algorithm, content type and
        certificates, and the signer's identifier and algorithms. Building them as asn1crypto values (a set
        of certificates among them) took a sixth of a signature. The first call per kind builds them the way
        pyHanko does and keeps their DER. A test checks both give equal DER.
        """
        kind = (digest_algorithm, cms_version)
        heads = self._heads.get(kind)
        detached = encap_content_info in (None, _DETACHED)  # a PDF signature's: data, not included
        if heads is None or not detached:
            whole = super()._package_signature(
                digest_algorithm=digest_algorithm, cms_version=cms_version, signed_attrs=signed_attrs,
                signature=signature, unsigned_attrs=unsigned_attrs, encap_content_info=encap_content_info)
            if not detached:
                return whole
            data = whole["content"]
            info = data["signer_infos"][0]
            self._heads[kind] = (
                b"".join(data[part].dump() for part in (
                    "version", "digest_algorithms", "encap_content_info", "certificates")),
                b"".join(info[part].dump() for part in ("version", "sid", "digest_algorithm")),
                info["signature_algorithm"].dump(),
            )
            return whole
        head, info_head, signature_algorithm = heads
        # the attribute sets go in as [0] and [1] IMPLICIT: their SET tag replaced, their length kept
        info = b"".join((
            info_head, b"\xa0", signed_attrs.dump()[1:], signature_algorithm, _der(0x04, signature),
            b"\xa1" + unsigned_attrs.dump()[1:] if unsigned_attrs is not None else b""))
        signed_data = _der(0x30, head + _der(0x31, _der(0x30, info)))
        return cms.ContentInfo.load(_der(0x30, _SIGNED_DATA_OID + _der(0xA0, signed_data)))

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        """Sign with RSASSA-PKCS1-v1_5 using the preloaded key."""
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        if mechanism.signature_algo != "rsassa_pkcs1v15" or digest_algorithm != "sha256":
            raise ValueError(f"unexpected mechanism {mechanism.signature_algo}/{digest_algorithm}")
        return self._private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        """Sign (asynchronous interface)."""
        return self.sign_raw(data, digest_algorithm)


def _der(tag: int, content: bytes) -> bytes:
    """Return one DER element: ``tag``, the definite length of ``content``, then ``content``."""
    size = len(content)
    if size < 0x80:
        return bytes((tag, size)) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(length))) + length + content


def _pem_to_der(pem: bytes) -> bytes:
    """Convert one PEM certificate to DER."""
    return x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
