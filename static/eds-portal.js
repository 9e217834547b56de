// Glue between the portal's pages and the EDS signer: prepare on the server, sign in the page, finish on the server.
// Only the CMS signature travels to the server; the key file and its password stay in the page.
(function () {
  const csrf = document.getElementById("eds-host").dataset.csrf;

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body || {}),
    });
    const answer = await response.json().catch(() => ({ error: response.statusText }));
    if (!response.ok) throw new Error(answer.error || response.statusText);
    return answer;
  }

  async function sign(purpose, dataB64, attached, options) {
    const answer = await window.EDS.request({
      module: "kz.gov.pki.knca.commonUtils", method: "createCMSSignatureFromBase64",
      args: ["PKCS12", purpose, dataB64, attached],
    }, options);
    if (answer.code !== "200") throw Object.assign(new Error(answer.message || "EDS"), { quiet: answer.errorCode === "cancelled" });
    return answer.responseObject;
  }

  function showError(button, message) {
    const box = button.parentElement.querySelector("[data-eds-error]");
    if (box) { box.textContent = message; box.hidden = !message; }
  }

  // A document: once the key is open the server prepares it naming the key's owner, the person signs
  // the prepared bytes (detached), the server embeds.
  document.querySelectorAll("[data-eds-prepare]").forEach(function (button) {
    button.addEventListener("click", async function () {
      showError(button, "");
      // a consent the page asks for is ticked before the key is opened; the server refuses without it too
      const consent = button.dataset.edsConsent ? document.getElementById(button.dataset.edsConsent) : null;
      if (consent && !consent.checked) {
        showError(button, button.dataset.edsConsentMissing);
        consent.focus();
        return;
      }
      button.disabled = true;
      try {
        let prepared;
        const prepare = async (certificate) => {
          const body = { certificate: certificate };
          if (consent) body.consent = consent.checked;
          prepared = await post(button.dataset.edsPrepare, body);
          return prepared.data;
        };
        const cms = await sign(button.dataset.edsPurpose || "SIGNATURE", "", false, { prepare: prepare });
        const done = await post(button.dataset.edsFinish, { token: prepared.token, cms: cms });
        window.location.assign(done.redirect);
      } catch (err) {
        if (!err.quiet) showError(button, err.message);
        button.disabled = false;
        button.focus();  // the dialog gave the focus back while the button was disabled: put it where it was
      }
    });
    button.disabled = false;  // bound: the page may sign now
  });

  // Sign-in: the person signs a one-time challenge with the authentication key (attached).
  const signIn = document.querySelector("[data-eds-sign-in]");
  if (signIn) {
    signIn.addEventListener("click", async function () {
      showError(signIn, "");
      signIn.disabled = true;
      try {
        const challenge = await post(signIn.dataset.edsChallenge);
        const cms = await sign("AUTHENTICATION", challenge.challenge, true);
        const done = await post(signIn.dataset.edsSignInUrl, { cms: cms, next: signIn.dataset.next || "" });
        window.location.assign(done.redirect);
      } catch (err) {
        if (!err.quiet) showError(signIn, err.message);
        signIn.disabled = false;
        signIn.focus();
      }
    });
    signIn.disabled = false;  // bound: the page may sign in now
  }
})();
