// Minimal ASN.1 reader/writer for the in-page EDS signer (docs/eds.md).
// Reading accepts BER lengths (some tools write PKCS#12 with indefinite lengths);
// writing is strict DER, because the signature covers the exact bytes we produce.
(function (kit) {
  "use strict";

  class DerError extends Error {}

  const TAG = {
    BOOLEAN: 0x01, INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, NULL: 0x05, OID: 0x06,
    UTF8: 0x0c, PRINTABLE: 0x13, T61: 0x14, IA5: 0x16, UTC_TIME: 0x17, GEN_TIME: 0x18, BMP: 0x1e,
    SEQUENCE: 0x30, SET: 0x31,
  };

  // ---------- reading ----------

  // One node per TLV: `der` is the whole encoding (kept so that Names and serials can be copied
  // byte for byte into the CMS), `content` the value, `children` the parsed parts if constructed.
  function readNode(buf, pos, end) {
    if (pos + 2 > end) throw new DerError("truncated header");
    const start = pos;
    const tag = buf[pos++];
    if ((tag & 0x1f) === 0x1f) throw new DerError("high tag numbers are not used here");
    const constructed = (tag & 0x20) !== 0;
    let len = buf[pos++];
    let indefinite = false;
    if (len === 0x80) {
      if (!constructed) throw new DerError("indefinite length on a primitive");
      indefinite = true;
    } else if (len > 0x80) {
      const n = len & 0x7f;
      if (n > 4 || pos + n > end) throw new DerError("bad length");
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + buf[pos++];
    }
    const node = { tag, constructed, cls: tag >> 6, num: tag & 0x1f, children: null };
    if (indefinite) {
      node.children = [];
      while (true) {
        if (pos + 2 > end) throw new DerError("missing end-of-contents");
        if (buf[pos] === 0 && buf[pos + 1] === 0) { pos += 2; break; }
        const child = readNode(buf, pos, end);
        node.children.push(child);
        pos = child.end;
      }
      node.content = null; // only meaningful for definite lengths; octets() joins the pieces
    } else {
      if (pos + len > end) throw new DerError("value runs past its container");
      node.content = buf.subarray(pos, pos + len);
      if (constructed) node.children = readAll(buf, pos, pos + len);
      pos += len;
    }
    node.end = pos;
    node.der = buf.subarray(start, pos);
    return node;
  }

  function readAll(buf, pos, end) {
    const out = [];
    while (pos < end) {
      const child = readNode(buf, pos, end);
      out.push(child);
      pos = child.end;
    }
    return out;
  }

  // Parse a complete encoding; trailing bytes mean it is not what we think it is.
  function decode(bytes) {
    const buf = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const node = readNode(buf, 0, buf.length);
    if (node.end !== buf.length) throw new DerError("trailing bytes");
    return node;
  }

  function expect(node, tag, what = "value") {
    if (!node || node.tag !== tag) throw new DerError(`unexpected ${what}`);
    return node;
  }

  // Children of a SEQUENCE/SET/[n], after checking the tag.
  function items(node, tag = TAG.SEQUENCE) {
    expect(node, tag);
    return node.children;
  }

  function oid(node) {
    const b = expect(node, TAG.OID, "OID").content;
    const parts = [];
    let v = 0;
    for (let i = 0; i < b.length; i++) {
      v = v * 128 + (b[i] & 0x7f);
      if (!(b[i] & 0x80)) { parts.push(v); v = 0; }
    }
    const first = parts.shift();
    const a = first < 80 ? Math.floor(first / 40) : 2;
    return [a, first - a * 40, ...parts].join(".");
  }

  // OCTET STRING (or an implicitly tagged one), including BER constructed pieces.
  function octets(node) {
    if (!node.constructed) return node.content;
    return concat(...node.children.map(octets));
  }

  function intNumber(node) {
    const b = expect(node, TAG.INTEGER, "INTEGER").content;
    if (b.length > 6) throw new DerError("integer too large");
    let v = 0;
    for (const x of b) v = v * 256 + x;
    return v;
  }

  // Unsigned big-endian magnitude of an INTEGER, without DER's sign byte, for comparisons.
  function intBytes(node) {
    let b = expect(node, TAG.INTEGER, "INTEGER").content;
    while (b.length > 1 && b[0] === 0) b = b.subarray(1);
    return b;
  }

  function text(node) {
    const b = node.content;
    if (node.tag === TAG.BMP) {
      let s = "";
      for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode((b[i] << 8) | b[i + 1]);
      return s;
    }
    // UTF8String, and the ASCII subsets (Printable/IA5) decode the same way.
    return new TextDecoder("utf-8").decode(b);
  }

  function time(node) {
    const s = text(node);
    const m = node.tag === TAG.UTC_TIME
      ? /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s)
      : /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s);
    if (!m) throw new DerError("bad time");
    let year = Number(m[1]);
    if (node.tag === TAG.UTC_TIME) year += year < 50 ? 2000 : 1900; // RFC 5280 4.1.2.5.1
    return new Date(Date.UTC(year, m[2] - 1, m[3], m[4], m[5], m[6]));
  }

  // ---------- writing (DER) ----------

  function concat(...parts) {
    const total = parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(total);
    let pos = 0;
    for (const p of parts) { out.set(p, pos); pos += p.length; }
    return out;
  }

  function tlv(tag, content) {
    const n = content.length;
    let head;
    if (n < 0x80) head = [tag, n];
    else {
      const lenBytes = [];
      for (let v = n; v > 0; v = Math.floor(v / 256)) lenBytes.unshift(v & 0xff);
      head = [tag, 0x80 | lenBytes.length, ...lenBytes];
    }
    return concat(Uint8Array.from(head), content);
  }

  const seq = (...parts) => tlv(TAG.SEQUENCE, concat(...parts));
  const octetString = (bytes) => tlv(TAG.OCTET_STRING, bytes);
  const nul = () => Uint8Array.of(TAG.NULL, 0);
  // [n] EXPLICIT: a constructed context tag wrapping complete encodings.
  const explicit = (n, ...parts) => tlv(0xa0 | n, concat(...parts));

  // DER byte order for SET OF (X.690 11.6): compare encodings as octet strings,
  // a shorter one padded with zeros, i.e. a proper prefix sorts first.
  function compareBytes(a, b) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  }

  function setOf(elements) {
    return tlv(TAG.SET, concat(...[...elements].sort(compareBytes)));
  }

  function oidEncode(dotted) {
    const p = dotted.split(".").map(Number);
    const arcs = [p[0] * 40 + p[1], ...p.slice(2)];
    const out = [];
    for (const arc of arcs) {
      const chunk = [arc & 0x7f];
      for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
      out.push(...chunk);
    }
    return tlv(TAG.OID, Uint8Array.from(out));
  }

  function intEncode(n) {
    // Small non-negative integers only (versions); serials are copied from the certificate.
    const out = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
    if (out.length === 0 || out[0] & 0x80) out.unshift(0);
    return tlv(TAG.INTEGER, Uint8Array.from(out));
  }

  // RFC 5280 4.1.2.5 / RFC 5652 11.3: UTCTime for 1950-2049, GeneralizedTime for any other year.
  function timeEncode(date) {
    const y = date.getUTCFullYear();
    if (!(y >= 0 && y <= 9999)) throw new DerError("a time must fall in the years 0-9999");
    const two = (v) => String(v).padStart(2, "0");
    const rest = two(date.getUTCMonth() + 1) + two(date.getUTCDate())
      + two(date.getUTCHours()) + two(date.getUTCMinutes()) + two(date.getUTCSeconds()) + "Z";
    if (y >= 1950 && y <= 2049) return tlv(TAG.UTC_TIME, new TextEncoder().encode(two(y % 100) + rest));
    return tlv(TAG.GEN_TIME, new TextEncoder().encode(String(y).padStart(4, "0") + rest));
  }

  // ---------- bytes helpers ----------

  function bytesEqual(a, b) {
    return a.length === b.length && compareBytes(a, b) === 0;
  }

  function toBase64(bytes) {
    let s = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(s);
  }

  function fromBase64(b64) {
    const clean = String(b64).replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) throw new DerError("bad base64");
    const bin = atob(clean);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  kit.der = { DerError, TAG, decode, expect, items, oid, octets, intNumber, intBytes, text, time,
    concat, tlv, seq, octetString, nul, explicit, compareBytes, setOf, oidEncode, intEncode, timeEncode,
    bytesEqual, toBase64, fromBase64 };
})(window.EDSKit = window.EDSKit || {});
