// Open a PKCS#12 key file in the page (docs/eds.md, ".p12 files").
// PBES2 (PBKDF2 + AES-CBC) bags are opened with Web Crypto; the legacy PKCS#12 encryptions of files
// issued by the National Certification Centre (3DES for the key, 40-bit RC2 for the certificates)
// and the file's integrity MAC with node-forge (static/vendor/forge/), since Web Crypto has neither.
// The private key is imported non-extractable, so no script can read it back out.
(function (kit) {
  "use strict";

  const {
    DerError, TAG, decode, expect, items, oid, octets, intNumber, intBytes, text, time, bytesEqual,
  } = kit.der;

  // `code` is the errorCode the page sees (signer.js answers it; dialog.js translates it).
  class EdsError extends Error {
    constructor(code, message) {
      super(message);
      this.code = code;
    }
  }

  const OID = {
    data: "1.2.840.113549.1.7.1",
    encryptedData: "1.2.840.113549.1.7.6",
    keyBag: "1.2.840.113549.1.12.10.1.1",
    shroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
    certBag: "1.2.840.113549.1.12.10.1.3",
    safeContentsBag: "1.2.840.113549.1.12.10.1.6",
    x509Certificate: "1.2.840.113549.1.9.22.1",
    localKeyId: "1.2.840.113549.1.9.21",
    pbes2: "1.2.840.113549.1.5.13",
    pbeSha1TripleDes: "1.2.840.113549.1.12.1.3",
    pbeSha1Rc2x40: "1.2.840.113549.1.12.1.6",
    pbkdf2: "1.2.840.113549.1.5.12",
    rsaEncryption: "1.2.840.113549.1.1.1",
    keyUsage: "2.5.29.15",
    extKeyUsage: "2.5.29.37",
    basicConstraints: "2.5.29.19",
  };
  // PBKDF2 pseudo-random functions Web Crypto can run (absent prf means hmacWithSHA1, RFC 8018).
  const PRF = {
    "1.2.840.113549.2.7": "SHA-1", "1.2.840.113549.2.9": "SHA-256",
    "1.2.840.113549.2.10": "SHA-384", "1.2.840.113549.2.11": "SHA-512",
  };
  // Chromium has no AES-192, so only these two.
  const AES_CBC = { "2.16.840.1.101.3.4.1.2": 128, "2.16.840.1.101.3.4.1.42": 256 };
  const MAX_ITERATIONS = 10000000; // a hostile file must not freeze the tab for minutes
  // The PKCS#12 derivation runs in JavaScript (~1.3 ms per 1,000 rounds): at most a few seconds.
  const MAX_PKCS12_ITERATIONS = 2000000;
  // Digests of the integrity MAC (RFC 7292 appendix B derives its key with the same hash).
  const MAC_HASH = {
    "1.3.14.3.2.26": "sha1", "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384", "2.16.840.1.101.3.4.2.3": "sha512",
  };

  const UNSUPPORTED = "This key file is protected with an algorithm the browser cannot open "
    + "(such as a GOST key). Use NCALayer to sign with it.";
  const DAMAGED = "The key file is damaged: its integrity check failed";

  const RDN = {
    "2.5.4.3": "CN", "2.5.4.4": "SURNAME", "2.5.4.5": "serialNumber", "2.5.4.6": "C",
    "2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.42": "GN",
  };

  function parseName(node) {
    const out = {};
    for (const rdn of items(node)) {
      for (const atv of items(rdn, TAG.SET)) {
        const [type, value] = items(atv);
        const key = RDN[oid(type)];
        if (key && !(key in out)) out[key] = text(value);
      }
    }
    return out;
  }

  // Just what the signer needs: identity for the dialog, issuer+serial for the CMS,
  // the modulus to pair the certificate with its key, and the usages.
  function parseCertificate(der) {
    const cert = decode(der);
    const tbs = items(items(cert)[0]);
    let i = tbs[0].tag === 0xa0 ? 1 : 0; // [0] version is optional (v1)
    const serial = expect(tbs[i++], TAG.INTEGER, "serial");
    i++; // signature algorithm
    const issuer = expect(tbs[i++], TAG.SEQUENCE, "issuer");
    const [notBefore, notAfter] = items(tbs[i++]);
    const subjectNode = expect(tbs[i++], TAG.SEQUENCE, "subject");
    const spki = items(tbs[i++]);
    const info = {
      der, serialDer: serial.der, issuerDer: issuer.der, subject: parseName(subjectNode),
      notBefore: time(notBefore), notAfter: time(notAfter), modulus: null,
      keyUsage: null, extKeyUsage: [], isCA: false,
    };
    if (oid(items(spki[0])[0]) === OID.rsaEncryption) {
      const bits = expect(spki[1], TAG.BIT_STRING).content.subarray(1);
      info.modulus = intBytes(items(decode(bits))[0]);
    }
    const extsNode = tbs.slice(i).find((n) => n.tag === 0xa3);
    for (const ext of extsNode ? items(extsNode.children[0]) : []) {
      const id = oid(ext.children[0]);
      const value = decode(octets(ext.children[ext.children.length - 1]));
      if (id === OID.keyUsage) {
        const b = expect(value, TAG.BIT_STRING).content;
        const bit = (n) => 1 + (n >> 3) < b.length && (b[1 + (n >> 3)] & (0x80 >> (n & 7))) !== 0;
        info.keyUsage = { digitalSignature: bit(0), nonRepudiation: bit(1), keyEncipherment: bit(2), keyCertSign: bit(5) };
      } else if (id === OID.extKeyUsage) {
        info.extKeyUsage = items(value).map(oid);
      } else if (id === OID.basicConstraints) {
        info.isCA = value.children.length > 0 && value.children[0].tag === TAG.BOOLEAN && value.children[0].content[0] !== 0;
      }
    }
    const sn = info.subject.serialNumber || "";
    info.iin = /^IIN\d{12}$/.test(sn) ? sn.slice(3) : "";
    return info;
  }

  // Read the encryption's parameters without touching the password, so that an unsupported file
  // is reported as such instead of as a wrong password.
  function encryptionParams(algId) {
    const [algOid, params] = items(algId);
    const algorithm = oid(algOid);
    if (algorithm === OID.pbeSha1TripleDes || algorithm === OID.pbeSha1Rc2x40) {
      const iterations = intNumber(items(params)[1]);
      if (iterations < 1 || iterations > MAX_PKCS12_ITERATIONS) throw new EdsError("unsupported_p12", UNSUPPORTED);
      return { legacy: algId.der };
    }
    if (algorithm !== OID.pbes2) throw new EdsError("unsupported_p12", UNSUPPORTED);
    const [kdf, scheme] = items(params);
    const [kdfOid, kdfParams] = items(kdf);
    if (oid(kdfOid) !== OID.pbkdf2) throw new EdsError("unsupported_p12", UNSUPPORTED);
    const p = items(kdfParams);
    const salt = octets(expect(p[0], TAG.OCTET_STRING, "salt"));
    const iterations = intNumber(p[1]);
    const prfNode = p.slice(2).find((n) => n.tag === TAG.SEQUENCE);
    const hash = prfNode ? PRF[oid(prfNode.children[0])] : "SHA-1";
    const [encOid, iv] = items(scheme);
    const keyBits = AES_CBC[oid(encOid)];
    if (!hash || !keyBits || iterations < 1 || iterations > MAX_ITERATIONS) {
      throw new EdsError("unsupported_p12", UNSUPPORTED);
    }
    return { salt, iterations, hash, keyBits, iv: octets(expect(iv, TAG.OCTET_STRING, "IV")) };
  }

  // node-forge speaks "binary strings": one character per byte.
  function binary(bytes) {
    let out = "";
    for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
    return out;
  }

  function fromBinary(str) {
    return Uint8Array.from(str, (c) => c.charCodeAt(0));
  }

  // pbeWithSHAAnd3-KeyTripleDES-CBC or pbeWithSHAAnd40BitRC2-CBC: the key and IV come from the
  // PKCS#12 derivation over the password as a BMPString, which forge writes as RFC 7292 says.
  function legacyDecrypt(algIdDer, ciphertext, password) {
    const forge = window.forge;
    let cipher;
    try {
      const algId = forge.asn1.fromDer(forge.util.createBuffer(binary(algIdDer)));
      cipher = forge.pki.pbe.getCipher(forge.asn1.derToOid(algId.value[0].value), algId.value[1], password);
      cipher.update(forge.util.createBuffer(binary(ciphertext)));
    } catch (e) {
      throw new EdsError("not_a_p12", "This file is not a PKCS#12 (.p12) key file");
    }
    if (!cipher.finish()) throw new EdsError("wrong_password", "Wrong password"); // broken padding
    return fromBinary(cipher.output.getBytes());
  }

  // The integrity MAC (RFC 7292, 5.1): an HMAC over the authenticated safe, keyed from the password.
  function macMatches(mac, password) {
    const forge = window.forge;
    const md = forge.md[mac.hash].create();
    const key = forge.pkcs12.generateKey(password, forge.util.createBuffer(binary(mac.salt)), 3, mac.iterations,
      md.digestLength, md);
    const hmac = forge.hmac.create();
    hmac.start(md, key);
    hmac.update(binary(mac.authSafe));
    return hmac.digest().getBytes() === binary(mac.digest);
  }

  async function decrypt(params, ciphertext, password) {
    if (params.legacy) return legacyDecrypt(params.legacy, ciphertext, password);
    const subtle = crypto.subtle;
    // RFC 8018 leaves the password encoding open; OpenSSL/cryptography feed the raw UTF-8 bytes.
    const base = await subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveKey"]);
    const key = await subtle.deriveKey(
      { name: "PBKDF2", salt: params.salt, iterations: params.iterations, hash: params.hash },
      base, { name: "AES-CBC", length: params.keyBits }, false, ["decrypt"]);
    try {
      return new Uint8Array(await subtle.decrypt({ name: "AES-CBC", iv: params.iv }, key, ciphertext));
    } catch (e) {
      // A wrong key almost always breaks the PKCS#7 padding.
      throw new EdsError("wrong_password", "Wrong password");
    }
  }

  // A wrong key that happens to leave valid padding yields garbage: report that as a
  // wrong password too, never as a damaged file.
  function parseDecrypted(bytes) {
    try { return decode(bytes); } catch (e) { throw new EdsError("wrong_password", "Wrong password"); }
  }

  function localKeyIdOf(bag) {
    const attrs = bag.children.find((n) => n.tag === TAG.SET);
    for (const attr of attrs ? attrs.children : []) {
      const [type, values] = items(attr);
      if (oid(type) === OID.localKeyId) return octets(values.children[0]);
    }
    return null;
  }

  // MacData { DigestInfo { algorithm, digest }, macSalt, iterations DEFAULT 1 }
  function macData(node, authSafe) {
    const [digestInfo, salt, count] = items(node);
    const [algorithm, digest] = items(digestInfo);
    const hash = MAC_HASH[oid(items(algorithm)[0])];
    const iterations = count ? intNumber(count) : 1;
    if (!hash || iterations < 1 || iterations > MAX_PKCS12_ITERATIONS) throw new EdsError("unsupported_p12", UNSUPPORTED);
    return { hash, iterations, salt: octets(salt), digest: octets(digest), authSafe };
  }

  // Walk the PFX and return the encrypted pieces and the MAC, checking every algorithm first.
  function readPfx(bytes) {
    let pfx;
    try {
      pfx = items(decode(bytes));
      if (intNumber(pfx[0]) !== 3) throw new DerError("not version 3");
    } catch (e) {
      throw new EdsError("not_a_p12", "This file is not a PKCS#12 (.p12) key file");
    }
    try {
      const [ctype, content] = items(pfx[1]);
      // Public-key integrity mode (signedData) is not used by any key file we know of.
      if (oid(ctype) !== OID.data) throw new EdsError("unsupported_p12", UNSUPPORTED);
      const authSafe = octets(expect(content, 0xa0).children[0]);
      const safes = items(decode(authSafe));
      const mac = pfx[2] ? macData(pfx[2], authSafe) : null;
      return { mac, safes: safes.map((ci) => {
        const [type, body] = items(ci);
        const inner = expect(body, 0xa0).children[0];
        const t = oid(type);
        if (t === OID.data) return { plain: decode(octets(inner)) };
        if (t !== OID.encryptedData) throw new EdsError("unsupported_p12", UNSUPPORTED);
        const eci = items(items(inner)[1]); // EncryptedData { version, EncryptedContentInfo }
        return { params: encryptionParams(eci[1]), ciphertext: octets(eci[2]) };
      }) };
    } catch (e) {
      if (e instanceof EdsError) throw e;
      throw new EdsError("not_a_p12", "This file is not a PKCS#12 (.p12) key file");
    }
  }

  // Opens the file: resolves with [{key: CryptoKey (sign only, non-extractable), cert, chain}],
  // one entry per private key in the file (in practice one).
  async function openP12(fileBytes, password) {
    const { safes, mac } = readPfx(fileBytes);
    const keys = [];   // {pkcs8 | encrypted, localKeyId}
    const certs = [];  // {der, localKeyId}

    function walkBags(safeContents) {
      for (const bag of items(safeContents)) {
        const type = oid(bag.children[0]);
        const value = expect(bag.children[1], 0xa0).children[0];
        const localKeyId = localKeyIdOf(bag);
        if (type === OID.shroudedKeyBag) {
          const [algId, enc] = items(value);
          keys.push({ params: encryptionParams(algId), ciphertext: octets(enc), localKeyId });
        } else if (type === OID.keyBag) {
          keys.push({ pkcs8: value.der, localKeyId });
        } else if (type === OID.certBag) {
          const [certType, certValue] = items(value);
          if (oid(certType) === OID.x509Certificate) {
            certs.push({ der: octets(expect(certValue, 0xa0).children[0]), localKeyId });
          }
        } else if (type === OID.safeContentsBag) {
          walkBags(value);
        }
      }
    }

    // Plain parts first, so every algorithm is known before the password is tried.
    try {
      for (const s of safes) if (s.plain) walkBags(s.plain);
    } catch (e) {
      if (e instanceof EdsError) throw e;
      throw new EdsError("not_a_p12", "This file is not a PKCS#12 (.p12) key file");
    }
    // A MAC that does not match is a wrong password, unless the password opens the file: then the
    // file was altered or damaged, and nothing in it is to be trusted.
    const intact = mac !== null && macMatches(mac, password);
    for (const s of safes) {
      if (s.plain) continue;
      const plain = parseDecrypted(await decrypt(s.params, s.ciphertext, password));
      try { walkBags(plain); } catch (e) {
        if (e instanceof EdsError) throw e;
        throw new EdsError("wrong_password", "Wrong password");
      }
    }
    if (keys.length === 0) throw new EdsError("not_a_p12", "The key file holds no private key");
    if (!intact) {
      // the password is right if it opens the key (a wrong one almost always breaks the padding)
      for (const k of keys) if (!k.pkcs8) (await decrypt(k.params, k.ciphertext, password)).fill(0);
      throw new EdsError("damaged_p12", DAMAGED);
    }

    let parsed;
    try {
      parsed = certs.map((c) => ({ ...c, info: parseCertificate(c.der) }));
    } catch (e) {
      throw new EdsError("not_a_p12", "A certificate in the key file is damaged");
    }
    const result = [];
    for (const k of keys) {
      const pkcs8 = k.pkcs8 || await decrypt(k.params, k.ciphertext, password);
      let modulus;
      try {
        const pki = items(decode(pkcs8));
        if (oid(items(pki[1])[0]) !== OID.rsaEncryption) {
          throw new EdsError("unsupported_p12", "Only RSA keys can be used in the browser. " + UNSUPPORTED);
        }
        modulus = intBytes(items(decode(octets(pki[2])))[1]).slice(); // survives the wipe below
      } catch (e) {
        if (e instanceof EdsError) throw e;
        throw new EdsError("wrong_password", "Wrong password");
      }
      let key;
      try {
        key = await crypto.subtle.importKey("pkcs8", pkcs8,
          { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
      } catch (e) {
        throw new EdsError("wrong_password", "Wrong password");
      } finally {
        if (!k.pkcs8) pkcs8.fill(0); // the decrypted key need not linger in memory
      }
      // Same modulus = same key pair; among those prefer the bag the file links by localKeyId.
      const matching = parsed.filter((c) => c.info.modulus && bytesEqual(c.info.modulus, modulus));
      const own = matching.find((c) => k.localKeyId && c.localKeyId && bytesEqual(c.localKeyId, k.localKeyId))
        || matching[0];
      if (!own) throw new EdsError("not_a_p12", "The key file holds no certificate for its key");
      result.push({ key, cert: own.info, chain: parsed.filter((c) => c !== own).map((c) => c.info) });
    }
    return result;
  }

  kit.pkcs12 = { EdsError, parseCertificate, openP12 };
})(window.EDSKit = window.EDSKit || {});
