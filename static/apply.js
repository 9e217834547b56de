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
