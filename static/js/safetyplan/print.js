// The safety plan page: a Print button (shown only when JavaScript can print; the browser's own
// menu prints the page otherwise), and a copy kept on this phone for when there is no connection.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});

if ("serviceWorker" in navigator && document.querySelector("[data-keep-offline]")) {
  window.addEventListener("load", () => {
    navigator.serviceWorker
      .register("/sw.js", { scope: "/" })
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        if (registration.active) registration.active.postMessage({ type: "keep-private" });
      })
      .catch(() => {
        /* offline copy is a bonus; the page works without it */
      });
  });
}
