// Show free times in the visitor's own time zone. The server renders times in the zone
// it is told (?tz= or the "tz" cookie) and falls back to the practice's zone. Without a
// stored choice, we detect the browser's zone once, remember it, and reload so the server
// can render in it. The picker (a text box with a list of suggestions) stays available to
// change it, with the browser's zone among the first suggestions; without JavaScript it still works.
(function () {
  "use strict";
  var input = document.querySelector("[data-tz-select]");
  var hasCookie = document.cookie.split("; ").some(function (c) { return c.indexOf("tz=") === 0; });
  var detected;
  try {
    detected = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    detected = null;
  }
  if (!input || !detected) return;
  var list = document.getElementById(input.getAttribute("list"));
  if (!list) return;
  var match = Array.prototype.find.call(list.options, function (o) { return o.value === detected; });
  if (!match) return;
  // The browser's zone second, after the practice's (the server puts that first).
  if (list.options.length > 1 && match !== list.options[0]) list.insertBefore(match, list.options[1]);
  var secure = window.location.protocol === "https:" ? "; Secure" : "";
  if (!hasCookie && input.getAttribute("data-tz-explicit") !== "1") {
    document.cookie = "tz=" + encodeURIComponent(detected) + "; path=/; max-age=31536000; SameSite=Lax" + secure;
    if (detected !== input.getAttribute("data-tz-current")) {
      window.location.reload();
    }
  }
  // Typing clears the box's old value first, so the list shows every zone, not only the current one.
  input.addEventListener("focus", function () { input.select(); });
})();
