/* A plain timer: a bell to begin, bells at the chosen gaps, and one to end. */
(function () {
  "use strict";
  var form = document.querySelector("[data-timer]");
  if (!form) return;
  var minutes = form.querySelector("[data-minutes]");
  var interval = form.querySelector("[data-interval]");
  var sound = form.querySelector('[data-option="sound"]');
  var clock = form.querySelector("[data-clock]");
  var status = form.querySelector("[data-status]");
  var buttons = {};
  ["start", "pause", "resume", "stop"].forEach(function (name) {
    buttons[name] = form.querySelector('[data-action="' + name + '"]');
  });
  var total = 0, elapsed = 0, last = 0, running = false, timer = null, nextBell = 0, gap = 0;

  function visible(state) {
    buttons.start.hidden = state !== "ready";
    buttons.pause.hidden = state !== "running";
    buttons.resume.hidden = state !== "paused";
    buttons.stop.hidden = state === "ready";
    minutes.disabled = interval.disabled = state !== "ready";
    form.setAttribute("data-state", state);
  }
  function draw() {
    var s = Math.max(0, Math.ceil((total - elapsed) / 1000));
    clock.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }
  function bell(strength) { window.TendingBell.ring(sound.checked, strength); }
  function end(message) {
    running = false;
    clearInterval(timer);
    bell(1);
    status.textContent = message;
    visible("ready");
    buttons.start.textContent = "Begin again";
    buttons.start.focus();
  }
  function tick() {
    if (!running) return;
    var now = Date.now();
    elapsed += now - last;
    last = now;
    if (elapsed >= total) { elapsed = total; draw(); end("Time is up. Whatever happened, you gave yourself this time."); return; }
    if (gap && elapsed >= nextBell) {
      bell(0.6);
      status.textContent = Math.round(elapsed / 60000) + " minutes gone, " + Math.round((total - elapsed) / 60000) + " to go.";
      nextBell += gap;
    }
    draw();
  }
  function reset() { total = Number(minutes.value) * 60000; elapsed = 0; draw(); }

  minutes.addEventListener("change", reset);
  buttons.start.addEventListener("click", function () {
    window.TendingBell.unlock();
    reset();
    gap = Number(interval.value) * 60000;
    nextBell = gap;
    running = true;
    last = Date.now();
    bell(1);
    status.textContent = "Begun. " + minutes.options[minutes.selectedIndex].text + ".";
    visible("running");
    clearInterval(timer);
    timer = setInterval(tick, 250);
    buttons.pause.focus();
  });
  buttons.pause.addEventListener("click", function () {
    running = false;
    visible("paused");
    status.textContent = "Paused. Carry on whenever you like.";
    buttons.resume.focus();
  });
  buttons.resume.addEventListener("click", function () {
    running = true;
    last = Date.now();
    visible("running");
    status.textContent = "Carrying on.";
    buttons.pause.focus();
  });
  buttons.stop.addEventListener("click", function () { end("Finished for now. Whatever happened, you gave yourself this time."); });

  form.hidden = false;
  visible("ready");
  reset();
})();
