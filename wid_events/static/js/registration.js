// Progressive enhancement: within one time slot, ticking a workshop unticks the others
// (the server refuses overlapping picks anyway, so the form works without this script).
(function () {
  "use strict";
  // Online attendees cannot take in-person-only workshops: disable (and untick) them.
  var form = document.querySelector("form");
  function syncAttendance() {
    var online = document.querySelector('input[name="attendance"][value="online"]:checked');
    document.querySelectorAll('input[name="sessions"][data-attendance="in_person"]').forEach(function (box) {
      if (online) box.checked = false;
      box.disabled = !!online;
    });
  }
  if (form && document.querySelector('input[name="attendance"][type="radio"]')) {
    document.querySelectorAll('input[name="attendance"]').forEach(function (radio) {
      radio.addEventListener("change", syncAttendance);
    });
    syncAttendance();
  }
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
