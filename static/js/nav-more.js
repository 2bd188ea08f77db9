/* The client's "More" in the header is a <details>, so it opens with a tap, Enter or Space even
   without JavaScript. This adds what a menu-like disclosure is expected to do: Escape closes it and
   puts focus back on "More" (never dropped to the page), and a tap elsewhere closes it. */
(function () {
  "use strict";
  var more = document.querySelector("[data-nav-more]");
  if (!more) return;
  var summary = more.querySelector("summary");
  more.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !more.open) return;
    event.preventDefault();
    more.open = false;
    summary.focus();
  });
  document.addEventListener("click", function (event) {
    if (more.open && !more.contains(event.target)) more.open = false;
  });
  // Tabbing on past the last link closes it, so the open list never covers the page being read.
  more.addEventListener("focusout", function (event) {
    if (more.open && event.relatedTarget && !more.contains(event.relatedTarget)) more.open = false;
  });
})();
