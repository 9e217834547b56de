// window.EDS: answers NCALayer's commonUtils messages (docs/eds.md, "The messages") in the page.
// The key file and password stay in this tab: the only thing handed back is the CMS.
//
//   <script src="/static/vendor/forge/forge.min.js"></script>, <script src="/static/eds/der.js"></script>,
//   then pkcs12.js, cms.js, dialog.js, signer.js
//   (plain scripts, in this order: each adds its part to window.EDSKit for the next)
//   const answer = await EDS.request({module: "kz.gov.pki.knca.commonUtils",
//     method: "createCMSSignatureFromBase64", args: ["PKCS12", "SIGNATURE", b64, false]});
//   answer.code === "200" ? answer.responseObject : answer.errorCode / answer.message
//
// A page whose document names the signer passes {prepare: async (certificateB64) => dataB64}: the
// data is then asked for once the key is open, with its certificate, and args[2] is ignored.
(function (kit) {
  "use strict";

  const { fromBase64, toBase64 } = kit.der;
  const { EdsError, openP12 } = kit.pkcs12;
  const { buildCms } = kit.cms;
  const { DEFAULT_STRINGS, readStrings, runDialog } = kit.dialog;

  const MODULE = "kz.gov.pki.knca.commonUtils";
  const METHOD = "createCMSSignatureFromBase64";
  const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  const DEFAULT_NCALAYER = "wss://127.0.0.1:13579/";

  const fail = (errorCode, message) => ({ code: "500", message, errorCode });

  // SIGNATURE keys carry nonRepudiation (legally binding signatures), AUTHENTICATION keys
  // EKU clientAuth (docs/eds.md, "Person certificates"): a key must not sign for the other purpose.
  function servesPurpose(cert, purpose) {
    if (purpose === "SIGNATURE") return Boolean(cert.keyUsage && cert.keyUsage.nonRepudiation);
    return cert.extKeyUsage.includes(CLIENT_AUTH);
  }

  // The portal's clock, when the page states it (<meta name="portal-time" content="ISO 8601">): the
  // signing time then agrees with the server even when this computer's clock is wrong. Read once, as
  // an offset from the local clock, so that it keeps running while the page stays open.
  const portalTime = document.querySelector('meta[name="portal-time"]');
  const portalOffset = portalTime && !Number.isNaN(Date.parse(portalTime.content))
    ? Date.parse(portalTime.content) - Date.now() : 0;
  const signingNow = () => new Date(Date.now() + portalOffset);

  let busy = false;

  // Ask the page for the data to sign, given the certificate; its refusal is shown as the page words it.
  async function prepared(prepare, certificateB64) {
    let b64;
    try { b64 = await prepare(certificateB64); } catch (e) {
      throw Object.assign(new Error((e && e.message) || "prepare"), { code: "prepare_failed" });
    }
    return fromBase64(b64);
  }

  // The built-in signer. `options` = {strings, host}: translations and the dialog's host element.
  async function builtinRequest(message, options = {}) {
    let req = message;
    if (typeof message === "string") {
      try { req = JSON.parse(message); } catch (e) { return fail("bad_request", "The message is not JSON"); }
    }
    if (!req || req.module !== MODULE || req.method !== METHOD) {
      return fail("bad_request", `Only ${MODULE}.${METHOD} is supported in the browser`);
    }
    const [storage, purpose, b64, attached] = Array.isArray(req.args) ? req.args : [];
    if (storage !== "PKCS12" || !["SIGNATURE", "AUTHENTICATION"].includes(purpose) || typeof attached !== "boolean") {
      return fail("bad_request", "args must be [\"PKCS12\", \"SIGNATURE\"|\"AUTHENTICATION\", base64, attached]");
    }
    let data;
    try { data = fromBase64(options.prepare ? "" : b64); } catch (e) { return fail("bad_request", "The data is not base64"); }
    // Web Crypto exists only in secure contexts (HTTPS or http://127.0.0.1).
    if (!window.crypto || !crypto.subtle) return fail("no_webcrypto", "The browser cannot sign on a page that is not HTTPS");
    if (busy) return fail("busy", "Another signature is being made");
    busy = true;
    const t = readStrings(options.host || document.querySelector("[data-eds-i18n]"), options.strings);
    try {
      const outcome = await runDialog({
        purpose, strings: options.strings, host: options.host,
        // Order as in NCALayer: open the key with the password, then check it fits the purpose.
        work: async (bytes, password, showCertificate) => {
          const identities = await openP12(bytes, password);
          const fit = identities.find((id) => servesPurpose(id.cert, purpose));
          showCertificate((fit || identities[0]).cert);
          if (!fit) throw new EdsError("key_usage", t.key_usage);
          if (options.prepare) data = await prepared(options.prepare, toBase64(fit.cert.der));
          const cms = await buildCms({ certDer: fit.cert.der, key: fit.key, data, attached, signingTime: signingNow() });
          return toBase64(cms);
        },
      });
      return outcome.ok ? { code: "200", responseObject: outcome.value } : fail(outcome.code, outcome.message);
    } catch (e) {
      return fail("error", t.error + (e && e.message ? ` (${e.message})` : ""));
    } finally {
      busy = false;
    }
  }

  // A real NCALayer on the person's computer, spoken to over its documented WebSocket protocol:
  // NCALayer greets each connection with {"result": {"version": ...}}, then answers a request with
  // {"code": "200", "responseObject": ...} or {"code": "500", "message": ...}.
  // UNTESTED here: there is no NCALayer on the build machine. Only the transport is swapped; NCALayer
  // shows its own key dialog, so `options` (strings, host) do not apply.
  function ncalayerRequest(url, message) {
    return new Promise((resolve) => {
      let ws;
      let done = false;
      const finish = (answer) => {
        if (done) return;
        done = true;
        resolve(answer);
        try { ws.close(); } catch (e) { /* already closed */ }
      };
      try { ws = new WebSocket(url); } catch (e) {
        resolve(fail("ncalayer_unavailable", "Cannot connect to NCALayer"));
        return;
      }
      ws.onopen = () => ws.send(typeof message === "string" ? message : JSON.stringify(message));
      ws.onmessage = (ev) => {
        let answer;
        try { answer = JSON.parse(ev.data); } catch (e) { finish(fail("ncalayer_error", "NCALayer sent an unreadable answer")); return; }
        if (answer && answer.result && answer.result.version) return; // the greeting, not the answer
        if (answer && answer.code !== "200" && answer.message === "action.canceled") answer.errorCode = "cancelled";
        finish(answer);
      };
      ws.onerror = () => finish(fail("ncalayer_unavailable", "NCALayer is not running"));
      ws.onclose = () => finish(fail("ncalayer_unavailable", "NCALayer closed the connection"));
    });
  }

  // NCALayer signs what it is given: the certificate comes first from getKeyInfo (its own dialog).
  async function ncalayerWithPrepare(url, message, options) {
    if (!options || !options.prepare) return ncalayerRequest(url, message);
    const info = await ncalayerRequest(url, { module: MODULE, method: "getKeyInfo", args: ["PKCS12"] });
    if (info.code !== "200") return info;
    const pem = String((info.responseObject && info.responseObject.pem) || "");
    let b64;
    try { b64 = await options.prepare(pem.replace(/-----[^-]+-----|\s+/g, "")); } catch (e) {
      return fail("prepare_failed", (e && e.message) || "prepare");
    }
    const req = typeof message === "string" ? JSON.parse(message) : message;
    return ncalayerRequest(url, { ...req, args: [req.args[0], req.args[1], b64, req.args[3]] });
  }

  let transport = builtinRequest;

  window.EDS = {
    // request(message[, {strings, host}]) -> Promise<answer>; never rejects.
    request: (message, options) => transport(message, options),
    useNCALayer(url = DEFAULT_NCALAYER) {
      transport = (message, options) => ncalayerWithPrepare(url, message, options);
    },
    useBrowser() {
      transport = builtinRequest;
    },
    strings: { ...DEFAULT_STRINGS }, // the i18n keys the dialog understands, with their English text
  };
})(window.EDSKit = window.EDSKit || {});
