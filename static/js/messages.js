/* After a full-page save the page comes back with its confirmation ("Your check-in is saved."). A
   status region that is already filled when a page loads is not read out, so focus moves to it:
   a screen reader hears it and a keyboard user carries on from there (WCAG 4.1.3, 2.4.3). A refused
   form's error summary (js/error-summary.js) or a field the page itself focuses comes first. */
(function () {
  "use strict";
  var box = document.querySelector("[data-messages]");
  if (!box) return;
  if (document.querySelector("[data-error-summary]")) return;
  var active = document.activeElement;
  if (active && active !== document.body && active !== document.documentElement) return;
  if (window.location.hash) return; // the person asked for a place on the page: leave them there
  box.focus();
})();
