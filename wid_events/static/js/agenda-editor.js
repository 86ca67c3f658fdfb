/* Progressive enhancement for the organiser's session form. Everything works without it.
   - When the start time changes and the end time is empty or no longer after it, propose an
     end time that keeps the previous duration (60 minutes by default). */
(function () {
  "use strict";
  var start = document.getElementById("start_time");
  var end = document.getElementById("end_time");
  if (!start || !end) { return; }

  function minutes(value) {
    var m = /^(\d{1,2}):(\d{2})/.exec(value || "");
    return m ? parseInt(m[1], 10) * 60 + parseInt(m[2], 10) : null;
  }
  function format(total) {
    total = Math.min(total, 23 * 60 + 59);
    var h = Math.floor(total / 60), m = total % 60;
    return (h < 10 ? "0" : "") + h + ":" + (m < 10 ? "0" : "") + m;
  }
  var previousStart = minutes(start.value);
  var duration = (previousStart !== null && minutes(end.value) !== null)
    ? Math.max(minutes(end.value) - previousStart, 15) : 60;

  start.addEventListener("change", function () {
    var s = minutes(start.value);
    var e = minutes(end.value);
    if (s === null) { return; }
    if (e === null || e <= s || (previousStart !== null && e - previousStart === duration)) {
      end.value = format(s + duration);
    }
    previousStart = s;
  });
  end.addEventListener("change", function () {
    var s = minutes(start.value), e = minutes(end.value);
    if (s !== null && e !== null && e > s) { duration = e - s; }
  });
})();
