// The key dialog, NCALayer-like: choose the .p12, type its password, Sign or Cancel.
// A native <dialog> opened with showModal() gives us the focus trap, Esc and an inert page.
// The password is read from the input only when Sign is pressed and the field is emptied on
// every outcome; the dialog itself is removed from the page when it closes.
(function (kit) {
  "use strict";

  // Keys the page may translate (data-eds-i18n JSON on the host element, or options.strings).
  // Error keys are the errorCodes themselves, so the page can reuse them for answers.
  const DEFAULT_STRINGS = {
    title: "Sign with EDS",
    intro_SIGNATURE: "Choose your signing key file (RSA256_…) and enter its password.",
    intro_AUTHENTICATION: "Choose your authentication key file (AUTH_RSA256_…) and enter its password.",
    file: "Key file (.p12)",
    password: "Password",
    sign: "Sign",
    cancel: "Cancel",
    working: "Signing…",
    owner: "Owner",
    iin: "IIN",
    valid: "Valid",
    no_file: "Choose your key file.",
    no_password: "Enter the password of the key file.",
    wrong_password: "Wrong password. Check the keyboard layout and Caps Lock and try again.",
    not_a_p12: "This file is not an EDS key file (.p12).",
    unsupported_p12: "This key file cannot be opened in the browser. Sign with NCALayer instead.",
    damaged_p12: "This key file is damaged: its integrity check failed. Use another copy of your key.",
    key_usage: "This key is not meant for this action: choose your signing key (RSA256_…) to sign, "
      + "your authentication key (AUTH_RSA256_…) to sign in.",
    cancelled: "Signing was cancelled.",
    error: "The signature could not be created.",
  };

  // Errors the person can fix without leaving the dialog.
  const RETRY = new Set(["wrong_password", "no_file", "no_password"]);

  function readStrings(host, extra) {
    let fromHost = {};
    if (host && host.dataset.edsI18n) {
      try { fromHost = JSON.parse(host.dataset.edsI18n); } catch (e) { /* keep the defaults */ }
    }
    return { ...DEFAULT_STRINGS, ...fromHost, ...(extra || {}) };
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "text") node.textContent = v; else node.setAttribute(k, v);
    }
    node.append(...children);
    return node;
  }

  function formatDate(d) {
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || undefined, { dateStyle: "medium" }).format(d);
    } catch (e) {
      return d.toISOString().slice(0, 10);
    }
  }

  // Shows the dialog and resolves with {ok: true, value} or {ok: false, code, message} (message
  // translated). `work(fileBytes, password, showCertificate)` does the opening and signing; it
  // throws errors carrying a `code` (see pkcs12.js EdsError).
  function runDialog({ purpose = "SIGNATURE", strings, host, work }) {
    host = host || document.querySelector("[data-eds-i18n]");
    const t = readStrings(host, strings);
    const fileInput = el("input", { id: "eds-file", type: "file", accept: ".p12,.pfx,application/x-pkcs12", required: "" });
    const password = el("input", {
      id: "eds-password", type: "password", autocomplete: "off", required: "", "aria-describedby": "eds-error",
    });
    const error = el("p", { id: "eds-error", class: "eds-error", role: "alert" });
    const status = el("p", { class: "eds-status", role: "status" });
    const cert = el("dl", { class: "eds-cert", hidden: "" });
    const signButton = el("button", { type: "submit", class: "eds-sign", text: t.sign });
    const cancelButton = el("button", { type: "button", class: "eds-cancel", text: t.cancel });
    const form = el("form", { class: "eds-form", novalidate: "" },
      el("div", { class: "eds-field" }, el("label", { for: "eds-file", text: t.file }), fileInput),
      el("div", { class: "eds-field" }, el("label", { for: "eds-password", text: t.password }), password),
      cert, error, status,
      el("div", { class: "eds-buttons" }, signButton, cancelButton));
    const dialog = el("dialog", {
      class: "eds-dialog", "aria-labelledby": "eds-title", "aria-describedby": "eds-intro",
    },
    el("h2", { id: "eds-title", text: t.title }),
    el("p", { id: "eds-intro", class: "eds-intro", text: t[`intro_${purpose}`] || "" }),
    form);

    const returnFocus = document.activeElement;
    (host || document.body).append(dialog);

    function showError(code, fallback) {
      error.textContent = t[code] || fallback || t.error;
      error.dataset.code = code;
      password.setAttribute("aria-invalid", code === "wrong_password" ? "true" : "false");
    }

    function showCertificate(info) {
      const s = info.subject;
      cert.replaceChildren(
        el("dt", { text: t.owner }), el("dd", { class: "eds-cn", text: s.CN || "" }),
        el("dt", { text: t.iin }), el("dd", { class: "eds-iin", text: info.iin || "—" }),
        el("dt", { text: t.valid }),
        el("dd", { class: "eds-validity", text: `${formatDate(info.notBefore)} – ${formatDate(info.notAfter)}` }));
      cert.hidden = false;
    }

    fileInput.addEventListener("change", () => {
      cert.hidden = true;
      error.textContent = "";
      delete error.dataset.code;
    });

    return new Promise((resolve) => {
      let finished = false;
      function finish(outcome) {
        if (finished) return;
        finished = true;
        password.value = "";
        fileInput.value = "";
        if (dialog.open) dialog.close();
        dialog.remove();
        if (returnFocus && returnFocus.focus) returnFocus.focus();
        resolve(outcome);
      }
      const cancel = () => finish({ ok: false, code: "cancelled", message: t.cancelled });

      cancelButton.addEventListener("click", cancel);
      dialog.addEventListener("cancel", (ev) => { ev.preventDefault(); cancel(); }); // Esc

      form.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        const file = fileInput.files && fileInput.files[0];
        if (!file) { showError("no_file"); fileInput.focus(); return; }
        if (!password.value) { showError("no_password"); password.focus(); return; }
        signButton.disabled = true;
        form.setAttribute("aria-busy", "true");
        status.textContent = t.working;
        error.textContent = "";
        try {
          const bytes = new Uint8Array(await file.arrayBuffer());
          const value = await work(bytes, password.value, showCertificate);
          finish({ ok: true, value });
        } catch (e) {
          const code = (e && e.code) || "error";
          if (!RETRY.has(code)) {
            finish({ ok: false, code, message: t[code] || (e && e.message) || t.error });
            return;
          }
          showError(code, e.message);
          password.value = "";
          password.focus();
        } finally {
          signButton.disabled = false;
          form.removeAttribute("aria-busy");
          status.textContent = "";
        }
      });

      dialog.showModal();
      fileInput.focus();
    });
  }

  kit.dialog = { DEFAULT_STRINGS, readStrings, runDialog };
})(window.EDSKit = window.EDSKit || {});
