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
