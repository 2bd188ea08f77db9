// The message box: a gentle note past the therapist's long-message length (announced politely, never
// blocking), and the newest messages kept in view. Drafts are kept by htmx (the textarea's hx-post).
(function () {
  "use strict";
  var form = document.getElementById("message-form");
  var box = document.getElementById("message-body");
  var note = document.getElementById("long-note");
  if (form && box && note) {
    var longAfter = parseInt(form.getAttribute("data-long-after"), 10) || 0;
    var shown = false;
    var update = function () {
      var isLong = longAfter > 0 && box.value.length > longAfter;
      if (isLong === shown) return; // only speak when it changes
      shown = isLong;
      note.textContent = isLong
        ? "This is a long message. It might be one for your next session, where there is time to talk it through. You can still send it."
        : "";
    };
    box.addEventListener("input", update);
    update();
    var sending = false;
    form.addEventListener("submit", function (event) {
      // The hidden key already makes a double submit harmless; this just avoids the second request.
      if (sending) {
        event.preventDefault();
        return;
      }
      sending = true;
    });
  }
  var sent = document.getElementById("sent-note") || document.getElementById("support-now");
  if (sent) {
    sent.focus();
  }
})();
