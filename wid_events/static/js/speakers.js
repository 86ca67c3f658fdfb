// Speaker portal: progressive enhancement only; every form works without it.
// Warn before sending a file that is over the size limit, instead of after a long upload.
(function () {
  "use strict";
  function check(input) {
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    var note = document.getElementById(input.id + "-size-warning");
    var tooBig = max && input.files && input.files.length && input.files[0].size > max;
    if (tooBig) {
      if (!note) {
        note = document.createElement("p");
        note.id = input.id + "-size-warning";
        note.className = "error";
        note.setAttribute("role", "alert");
        input.insertAdjacentElement("afterend", note);
      }
      note.textContent = input.getAttribute("data-too-big-message") || "File too large.";
      input.setCustomValidity(note.textContent);
    } else {
      if (note) { note.remove(); }
      input.setCustomValidity("");
    }
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("input[type=file][data-max-bytes]")) {
      check(target);
    }
  });
  document.addEventListener("submit", function (event) {
    var inputs = event.target.querySelectorAll("input[type=file][data-max-bytes]");
    for (var i = 0; i < inputs.length; i++) {
      check(inputs[i]);
      if (!inputs[i].checkValidity()) {
        event.preventDefault();
        inputs[i].focus();
        return;
      }
    }
  });
})();
