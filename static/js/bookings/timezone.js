// Show free times in the visitor's own time zone. The server renders times in the zone
// it is told (?tz= or the "tz" cookie) and falls back to the practice's zone. Without a
// stored choice, we detect the browser's zone once, remember it, and reload so the server
// can render in it. The select stays available to change it; without JavaScript it still works.
(function () {
  "use strict";
  var select = document.querySelector("[data-tz-select]");
  var hasCookie = document.cookie.split("; ").some(function (c) { return c.indexOf("tz=") === 0; });
  var detected;
  try {
    detected = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    detected = null;
  }
  if (!select || !detected) return;
  var known = Array.prototype.some.call(select.options, function (o) { return o.value === detected; });
  if (!known) return;
  var secure = window.location.protocol === "https:" ? "; Secure" : "";
  if (!hasCookie && select.getAttribute("data-tz-explicit") !== "1") {
    document.cookie = "tz=" + encodeURIComponent(detected) + "; path=/; max-age=31536000; SameSite=Lax" + secure;
    if (detected !== select.getAttribute("data-tz-current")) {
      window.location.reload();
    }
  }
})();
