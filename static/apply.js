// Show only the documents the chosen ground (or the birth date) requires; without JS all are shown.
(function () {
  const form = document.getElementById("request-form");
  if (!form) return;
  function value(name) {
    const checked = form.querySelector(`[name="${name}"]:checked`);
    if (checked) return checked.value;
    const el = form.querySelector(`[name="${name}"]`);
    return el && el.type !== "radio" ? el.value : "";
  }
  function update() {
    form.querySelectorAll(".doc[data-when-field]").forEach(function (box) {
      const v = value(box.dataset.whenField);
      let needed;
      if (box.dataset.whenBefore) needed = v !== "" && v < box.dataset.whenBefore;
      else needed = (box.dataset.whenValues || "").split(",").includes(v);
      box.hidden = !needed && !box.classList.contains("has-error") && !box.querySelector(".attached");
    });
  }
  form.addEventListener("change", update);
  update();
})();

// A scan over the per-file limit is refused here, before it is sent: a body over the request's limit
// would be answered with an error page in place of the form. The error stands at the field, naming
// the file, and the field is cleared so that "Save" keeps everything else.
(function () {
  const form = document.getElementById("request-form");
  if (!form || !form.dataset.maxFileBytes) return;
  const max = Number(form.dataset.maxFileBytes);

  function say(input, text) {
    const id = input.id + "-error";
    let error = document.getElementById(id);
    if (!text) {
      if (error && error.dataset.inPage) error.remove();
      if (!document.getElementById(id)) {
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-describedby");
        input.closest(".field").classList.remove("has-error");
      }
      return;
    }
    if (!error) {
      error = document.createElement("p");
      error.className = "error";
      error.id = id;
      input.insertAdjacentElement("afterend", error);
    }
    error.dataset.inPage = "1";
    error.textContent = "";
    const prefix = document.createElement("span");
    prefix.className = "visually-hidden";
    prefix.textContent = form.dataset.errorPrefix + " ";
    error.append(prefix, text);
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", id);
    input.closest(".field").classList.add("has-error");
  }

  function check(input) {
    const file = input.files && input.files[0];
    if (file && file.size > max) {
      const mb = (file.size / (1024 * 1024)).toFixed(1);
      say(input, form.dataset.tooLarge.replace("{name}", file.name).replace("{size}", mb));
      input.value = "";
      return false;
    }
    if (file) say(input, "");
    return true;
  }

  form.querySelectorAll("input[type=file]").forEach(function (input) {
    input.addEventListener("change", function () { check(input); });
  });
  form.addEventListener("submit", function (event) {
    const bad = [...form.querySelectorAll("input[type=file]")].filter((input) => !check(input));
    if (bad.length) {
      event.preventDefault();
      bad[0].focus();
    }
  });
})();

// The provider picker: a search over the names, districts and addresses narrows the grouped list as
// one types; without JS the whole list is shown, grouped by district.
(function () {
  const box = document.querySelector(".provider-search");
  if (!box) return;
  const input = document.getElementById("provider-search");
  const none = document.getElementById("provider-none");
  const fold = (text) => text.toLocaleLowerCase().replace(/[«»"“”'.,№-]/g, " ").replace(/\s+/g, " ");
  const options = [...document.querySelectorAll(".provider-option")].map(function (label) {
    const group = label.closest(".provider-group");
    return { label: label, group: group, text: fold(group.querySelector("h3").textContent + " " + label.textContent) };
  });
  box.hidden = false;
  input.addEventListener("input", function () {
    const words = fold(input.value).trim().split(" ").filter(Boolean);
    let matches = 0;
    options.forEach(function (o) {
      const match = words.every((w) => o.text.includes(w));
      matches += match ? 1 : 0;
      o.label.hidden = !match && !o.label.querySelector("input").checked;  // the chosen one stays in view
    });
    document.querySelectorAll(".provider-group").forEach(function (group) {
      group.hidden = !group.querySelector(".provider-option:not([hidden])");
    });
    none.textContent = matches > 0 ? "" : none.dataset.none;  // the region is always there, so it is read out
  });
})();

// Scans are sent with a progress bar: the form goes by XMLHttpRequest, which reports the bytes sent,
// and the page the server answers with (the draft, its errors or the review) replaces this one.
// Without JS, or with no file chosen, the form is sent the ordinary way.
(function () {
  const form = document.getElementById("request-form");
  const box = document.getElementById("upload-progress");
  if (!form || !box || !window.FormData) return;
  const bar = document.getElementById("upload-bar");
  const percent = document.getElementById("upload-percent");
  const failed = document.getElementById("upload-error");

  form.addEventListener("submit", function (event) {
    if (event.defaultPrevented) return;  // a scan over the limit was stopped above
    const files = [...form.querySelectorAll("input[type=file]")].some((input) => input.files && input.files.length);
    if (!files) return;
    event.preventDefault();
    const data = new FormData(form);
    if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
    const buttons = [...form.querySelectorAll("button[type=submit]")];
    buttons.forEach((b) => { b.disabled = true; });
    box.hidden = false;
    failed.textContent = "";
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      const done = Math.round((100 * e.loaded) / e.total);
      bar.value = done;
      const step = Math.floor(done / 10) * 10 + "%";  // read out by tens, not at every event
      if (percent.textContent !== step) percent.textContent = step;
    });
    xhr.addEventListener("load", function () {
      const url = xhr.responseURL;
      document.open();
      document.write(xhr.responseText);
      document.close();
      if (url) window.history.replaceState(null, "", url);
    });
    xhr.addEventListener("error", function () {
      failed.textContent = form.dataset.uploadFailed;
      buttons.forEach((b) => { b.disabled = false; });
      failed.focus();  // the pressed button lost the focus while disabled
    });
    xhr.send(data);
  });
})();
