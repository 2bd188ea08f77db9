/* A soft bell made with Web Audio: a few sine partials with a slow fade. No audio files. */
(function () {
  "use strict";
  var context = null;

  function ctx() {
    var Ctor = window.AudioContext || window.webkitAudioContext;
    if (!Ctor) return null;
    if (!context) context = new Ctor();
    if (context.state === "suspended") context.resume();
    return context;
  }

  function ring(strength) {
    var count = Number(document.documentElement.getAttribute("data-bells") || "0") + 1;
    // Counted on the page so people (and tests) can tell a bell sounded even with the sound off.
    document.documentElement.setAttribute("data-bells", String(count));
    var audio = ctx();
    if (!audio) return;
    var now = audio.currentTime;
    var level = 0.18 * (strength || 1);
    [[1, 1, 4.5], [2.76, 0.45, 2.5], [5.4, 0.2, 1.5]].forEach(function (partial) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = 392 * partial[0];
      gain.gain.setValueAtTime(0.0001, now);
      gain.gain.exponentialRampToValueAtTime(level * partial[1], now + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + partial[2]);
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start(now);
      osc.stop(now + partial[2] + 0.1);
    });
  }

  window.TendingBell = {
    // Call from a click or key press first: browsers only allow sound after a gesture.
    unlock: function () { ctx(); },
    ring: function (enabled, strength) {
      if (enabled) ring(strength);
      else document.documentElement.setAttribute("data-bells", String(Number(document.documentElement.getAttribute("data-bells") || "0") + 1));
    },
  };
})();
