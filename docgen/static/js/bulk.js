// Polls a bulk job and shows its progress until it is done or has failed.
(function () {
  var box = document.getElementById("job");
  if (!box) return;
  var states = { queued: "в очереди", running: "выполняется", done: "готово", failed: "ошибка" };
  var phases = { docx: "Формирование DOCX", pdf: "Сборка PDF", done: "" };
  function show(job) {
    document.getElementById("job-status").textContent = states[job.status] || job.status;
    var bar = document.getElementById("job-progress");
    bar.max = job.total;
    bar.value = job.done;
    document.getElementById("job-count").textContent = job.done + " из " + job.total;
    document.getElementById("job-phase").textContent = phases[job.phase] || "";
    var list = document.getElementById("job-errors");
    list.textContent = "";
    job.errors.forEach(function (message) {
      var item = document.createElement("li");
      item.textContent = message;
      list.appendChild(item);
    });
    if (job.status === "done") document.getElementById("job-files").hidden = false;
    document.getElementById("job-message").textContent = job.message || "";
    return job.status === "queued" || job.status === "running";
  }
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (job) { if (show(job)) setTimeout(poll, 700); });
  }
  poll();
})();
