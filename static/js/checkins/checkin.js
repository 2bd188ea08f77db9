/* The check-in form: Enter on a feeling or body-area chip toggles it, and Enter on a 0-10 option
   chooses it, as Space does. Left alone, the browser would send the form, half finished, on Enter
   from any of them. */
(function () {
  "use strict";
  var form = document.querySelector("[data-checkin-form]");
  if (!form) return;
  form.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key !== "Enter" || !input.matches || !input.matches("input[type=checkbox], input[type=radio]")) return;
    event.preventDefault();
    if (input.type === "checkbox" || !input.checked) input.click();
  });
})();
