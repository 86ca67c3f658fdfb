// Progressive enhancement: within one time slot, ticking a workshop unticks the others
// (the server refuses overlapping picks anyway, so the form works without this script).
(function () {
  "use strict";
  document.querySelectorAll("fieldset[data-pick-one]").forEach(function (set) {
    set.addEventListener("change", function (ev) {
      var box = ev.target;
      if (box.type !== "checkbox" || !box.checked) return;
      set.querySelectorAll('input[type="checkbox"]').forEach(function (other) {
        if (other !== box) other.checked = false;
      });
    });
  });
})();
