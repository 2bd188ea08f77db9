// Shows the Print button only when JavaScript can print; without it, the browser's own menu prints the page.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
