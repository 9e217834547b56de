// The dashboard's charts: the figures come from the JSON endpoint named in data-src (no inline script).
(function () {
  "use strict";
  var holder = document.getElementById("dashboard-charts");
  if (!holder || typeof Chart === "undefined") { return; }
  var COLOURS = { received: "#1f5fa8", on_time: "#2e7d32", late: "#ef6c00", overdue_now: "#c62828" };

  function drawRequests(canvas, data) {
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.months,
        datasets: data.requests.series.map(function (s) {
          return { label: s.label, data: s.data, backgroundColor: COLOURS[s.key] || "#607d8b" };
        })
      },
      options: {
        maintainAspectRatio: false, animation: false,
        plugins: { title: { display: true, text: data.requests.title } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }

  function drawSteps(canvas, data) {
    // one bar per step: give each its room
    canvas.parentNode.style.height = Math.max(200, 48 * data.steps.labels.length + 80) + "px";
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.steps.labels,
        datasets: [{ label: data.steps.series_label, data: data.steps.median_hours, backgroundColor: "#1f5fa8" }]
      },
      options: {
        indexAxis: "y", maintainAspectRatio: false, animation: false,
        plugins: { title: { display: true, text: data.steps.title }, legend: { display: false } },
        scales: { x: { beginAtZero: true } }
      }
    });
  }

  fetch(holder.getAttribute("data-src"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error("dashboard data: HTTP " + response.status); }
      return response.json();
    })
    .then(function (data) {
      var requests = document.getElementById("chart-requests");
      var steps = document.getElementById("chart-steps");
      if (requests) { drawRequests(requests, data); requests.setAttribute("data-drawn", "1"); }
      if (steps) { drawSteps(steps, data); steps.setAttribute("data-drawn", "1"); }
      holder.setAttribute("data-ready", "1");
    })
    .catch(function (err) {
      holder.setAttribute("data-error", String(err));
      console.warn(err);
    });
}());
