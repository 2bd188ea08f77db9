/* Registers Tending's service worker and asks it to keep the practices linked from this page,
   so they open without a connection later. Pages marked data-offline hold no private data. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  var root = document.documentElement;

  function keepLinks(worker) {
    var urls = [location.pathname];
    document.querySelectorAll("a[data-offline]").forEach(function (link) { urls.push(link.getAttribute("href")); });
    var channel = new MessageChannel();
    channel.port1.onmessage = function (event) {
      if (event.data && event.data.type === "kept") root.setAttribute("data-offline-ready", "yes");
    };
    worker.postMessage({ type: "keep", urls: urls }, [channel.port2]);
  }

  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (registration.active) keepLinks(registration.active);
    }).catch(function () { /* offline support is a bonus; the page works without it */ });
  });
})();
