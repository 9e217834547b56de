// The EDS signer test page (demo.html): sign the textarea's data and show the answer.
(function () {
  const run = document.getElementById("run");
  const out = document.getElementById("answer");
  run.addEventListener("click", async () => {
    out.textContent = "";
    const answer = await window.EDS.request({
      module: "kz.gov.pki.knca.commonUtils",
      method: "createCMSSignatureFromBase64",
      args: ["PKCS12", document.getElementById("purpose").value,
        document.getElementById("data").value.trim(), document.getElementById("attached").checked],
    });
    out.textContent = JSON.stringify(answer);
  });
  run.disabled = false;
})();
