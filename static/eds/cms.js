// Build the CAdES-BES CMS of docs/eds.md ("The CMS ... byte layout identical"). The Python
// test signer and the server expect exactly this layout, so nothing here is optional.
(function (kit) {
  "use strict";

  const {
    concat, explicit, intEncode, nul, octetString, oidEncode, seq, setOf, tlv, timeEncode, TAG,
  } = kit.der;
  const { parseCertificate } = kit.pkcs12;

  const OID = {
    signedData: "1.2.840.113549.1.7.2",
    data: "1.2.840.113549.1.7.1",
    sha256: "2.16.840.1.101.3.4.2.1",
    sha256WithRSA: "1.2.840.113549.1.1.11",
    contentType: "1.2.840.113549.1.9.3",
    messageDigest: "1.2.840.113549.1.9.4",
    signingTime: "1.2.840.113549.1.9.5",
    signingCertificateV2: "1.2.840.113549.1.9.16.2.47",
  };

  const sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  // docs/eds.md: the digest algorithm has *absent* parameters, the signature algorithm NULL ones.
  const sha256AlgId = () => seq(oidEncode(OID.sha256));
  const attribute = (type, value) => seq(oidEncode(type), setOf([value]));

  // certDer: the signer's certificate; key: its CryptoKey (RSASSA-PKCS1-v1_5, SHA-256);
  // data: the bytes to sign; attached: carry them inside the CMS; signingTime: a Date.
  async function buildCms({ certDer, key, data, attached, signingTime = new Date() }) {
    const cert = parseCertificate(certDer);
    // SigningCertificateV2 { certs { ESSCertIDv2 { certHash } } }: hashAlgorithm left at its
    // sha256 default and no issuerSerial, as docs/eds.md fixes.
    const essCertIdV2 = seq(octetString(await sha256(certDer)));
    const attrs = [
      attribute(OID.contentType, oidEncode(OID.data)),
      attribute(OID.signingTime, timeEncode(signingTime)),
      attribute(OID.messageDigest, octetString(await sha256(data))),
      attribute(OID.signingCertificateV2, seq(seq(essCertIdV2))),
    ];
    // The signature covers the attributes as a DER SET (tag 0x31); the CMS then carries the same
    // content under [0] IMPLICIT, so only the first byte differs.
    const signedAttrsSet = setOf(attrs);
    const signature = new Uint8Array(await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, signedAttrsSet));
    const signedAttrsImplicit = concat(Uint8Array.of(0xa0), signedAttrsSet.subarray(1));

    const signerInfo = seq(
      intEncode(1),
      seq(cert.issuerDer, cert.serialDer), // issuerAndSerialNumber, copied byte for byte
      sha256AlgId(),
      signedAttrsImplicit,
      seq(oidEncode(OID.sha256WithRSA), nul()),
      octetString(signature),
    );
    const encapContentInfo = attached
      ? seq(oidEncode(OID.data), explicit(0, octetString(data)))
      : seq(oidEncode(OID.data));
    const signedData = seq(
      intEncode(1),
      setOf([sha256AlgId()]),
      encapContentInfo,
      tlv(0xa0, certDer), // certificates [0] IMPLICIT: the signer's certificate only
      tlv(TAG.SET, signerInfo),
    );
    return seq(oidEncode(OID.signedData), explicit(0, signedData));
  }

  kit.cms = { buildCms };
})(window.EDSKit = window.EDSKit || {});
