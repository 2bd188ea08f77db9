// A refused form: move focus to its error summary, so a screen reader hears what to fix first and a
// keyboard user can follow each link to its field (WCAG 3.3.1, 4.1.3). The server already says
// "There is a problem" in the page title where the form is the page's `form`; this adds it where it
// is not. Loaded once per summary; the first summary on the page wins and the rest do nothing.
(function () {
  "use strict";
  if (window.tendingErrorSummary) return;
  window.tendingErrorSummary = true;
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  var prefix = "There is a problem: ";
  if (document.title.indexOf(prefix) !== 0) document.title = prefix + document.title;
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    // Focus the field itself (a plain jump would leave focus on the page and its label out of view).
    event.preventDefault();
    field.focus();
    var label = document.querySelector("label[for='" + field.id + "']") || field.closest("fieldset");
    (label || field).scrollIntoView({ block: "center" });
  });
})();
