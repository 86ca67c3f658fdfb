/* Check-in desk: progressive enhancement only (the page works without JavaScript).
 * - keeps the live count of checked-in attendees up to date (polls a JSON endpoint);
 * - keeps the code field focused and empty for the next scan;
 * - offers a camera scanner: the browser's BarcodeDetector, or the vendored jsQR
 *   (Apache-2.0, static/js/vendor/jsqr/) loaded only when the camera is started. */
(function () {
  "use strict";

  var count = document.getElementById("checkin-count");
  if (count && window.fetch) {
    var url = count.getAttribute("data-stats-url");
    var inEl = count.querySelector(".count-in");
    var expEl = count.querySelector(".count-expected");
    var refresh = function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          if (inEl.textContent !== String(data.checked_in)) { inEl.textContent = data.checked_in; }
          if (expEl.textContent !== String(data.confirmed_in_person)) { expEl.textContent = data.confirmed_in_person; }
        })
        .catch(function () {});
    };
    window.setInterval(refresh, 5000);
  }

  var form = document.getElementById("checkin-form");
  var codeInput = form ? form.querySelector("input[name=code]") : null;
  if (codeInput && !codeInput.getAttribute("aria-invalid")) {
    codeInput.value = "";
  }

  var box = document.getElementById("camera-scanner");
  if (!box || !codeInput || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
  box.hidden = false;
  var button = document.getElementById("camera-start");
  var video = document.getElementById("camera-video");
  var canvas = document.createElement("canvas");
  var ctx = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null;
  var detector = null;

  function loadJsQR() {
    return new Promise(function (resolve, reject) {
      if (window.jsQR) { resolve(window.jsQR); return; }
      var s = document.createElement("script");
      s.src = box.getAttribute("data-jsqr-url") || "/static/js/vendor/jsqr/jsQR.js";
      s.onload = function () { resolve(window.jsQR); };
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }

  function submitCode(text) {
    stop();
    codeInput.value = text;
    form.submit();
  }

  function stop() {
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    video.hidden = true;
  }

  function tick(decode) {
    if (!stream) { return; }
    if (video.readyState >= 2) {
      decode().then(function (text) {
        if (text) { submitCode(text); } else { window.requestAnimationFrame(function () { tick(decode); }); }
      });
    } else {
      window.requestAnimationFrame(function () { tick(decode); });
    }
  }

  button.addEventListener("click", function () {
    if (stream) { stop(); return; }
    var ready;
    if ("BarcodeDetector" in window) {
      detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      ready = Promise.resolve(function () {
        return detector.detect(video).then(function (codes) {
          return codes.length ? codes[0].rawValue : null;
        }).catch(function () { return null; });
      });
    } else {
      ready = loadJsQR().then(function (jsQR) {
        return function () {
          canvas.width = video.videoWidth;
          canvas.height = video.videoHeight;
          ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
          var img = ctx.getImageData(0, 0, canvas.width, canvas.height);
          var found = jsQR(img.data, img.width, img.height, { inversionAttempts: "dontInvert" });
          return Promise.resolve(found ? found.data : null);
        };
      });
    }
    Promise.all([ready, navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })])
      .then(function (parts) {
        stream = parts[1];
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        tick(parts[0]);
      })
      .catch(function () { stop(); box.hidden = true; codeInput.focus(); });
  });
})();
