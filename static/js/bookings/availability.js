// After htmx redraws one day of the weekly grid, put focus where the person was working: back in the
// "From" field after adding hours (ready for another range, or to correct a refused one), on the day's
// heading after removing a range (its button is gone). The hidden status region has already said what changed.
document.addEventListener("htmx:afterSettle", function () {
  var day = document.querySelector(".week-day[data-focus]");
  if (!day) return;
  var where = day.getAttribute("data-focus");
  day.removeAttribute("data-focus");
  var target =
    where === "add"
      ? day.querySelector(".week-day__add [aria-invalid=true]") || day.querySelector(".week-day__add input[type=time]")
      : day.querySelector("h3");
  if (target) target.focus();
});
