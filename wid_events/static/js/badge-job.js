/* Badge batch page: refreshes the progress without reloading; the page works without it. */
(function () {
  "use strict";
  var box = document.getElementById("badge-job");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("job-progress");
  var progress = box.querySelector(".job-progress");
  var timer = window.setInterval(function () {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        bar.value = data.percent;
        bar.textContent = data.percent + "%";
        progress.textContent = data.done + " / " + data.total;
        if (data.state === "done" || data.state === "failed") {
          window.clearInterval(timer);
          window.location.reload();
        }
      })
      .catch(function () {});
  }, 1500);
})();
