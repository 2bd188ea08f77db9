/* The guided player: one step at a time, paced by a timer, with soft bells at the start, between
   steps and at the end. Without JavaScript every step is simply listed on the page. */
(function () {
  "use strict";
  var player = document.querySelector("[data-player]");
  var list = player && player.querySelector("[data-steps]");
  if (!list) return;
  var steps = Array.prototype.slice.call(list.querySelectorAll("li"));
  var controls = player.querySelector("[data-controls]");
  var status = controls.querySelector("[data-status]");
  var clock = controls.querySelector("[data-clock]");
  var breath = controls.querySelector("[data-breath]");
  var sound = controls.querySelector('[data-option="sound"]');
  var still = controls.querySelector('[data-option="still"]');
  var buttons = {};
  ["start", "pause", "resume", "next", "stop"].forEach(function (name) {
    buttons[name] = controls.querySelector('[data-action="' + name + '"]');
  });

  var prefersStill = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  function pref(name, fallback) {
    try { var v = localStorage.getItem("tending." + name); return v === null ? fallback : v === "on"; } catch (e) { return fallback; }
  }
  function savePref(name, on) { try { localStorage.setItem("tending." + name, on ? "on" : "off"); } catch (e) { /* private mode */ } }
  sound.checked = pref("sound", true);
  still.checked = pref("still", prefersStill);

  var index = -1, remaining = 0, running = false, last = 0, timer = null;

  function visible(state) {
    buttons.start.hidden = state !== "ready";
    buttons.pause.hidden = state !== "running";
    buttons.resume.hidden = state !== "paused";
    buttons.next.hidden = state === "ready";
    buttons.stop.hidden = state === "ready";
  }

  function moving() {
    if (!breath) return;
    breath.classList.toggle("player__breath--moving", running && !still.checked);
  }

  function bell(strength) { window.TendingBell.ring(sound.checked, strength); }

  function showStep(i) {
    steps.forEach(function (li, j) {
      li.hidden = j !== i;
      if (j === i) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
    });
    status.textContent = "Step " + (i + 1) + " of " + steps.length + ": " + steps[i].textContent;
    remaining = Number(steps[i].getAttribute("data-seconds") || "30") * 1000;
    drawClock();
    keepInView();
  }

  // On a phone the step being read (in the status line, as the list is hidden while playing) can sit
  // below the fold: bring the controls, with it, into view. A page that already shows it stays still.
  function keepInView() {
    var box = status.getBoundingClientRect();
    var height = window.innerHeight || document.documentElement.clientHeight;
    if (box.top >= 0 && box.bottom <= height) return;
    controls.scrollIntoView({ block: "nearest" });
  }

  // Was focus on a control the next state hides (Pause, Next step), or already lost to the page?
  function focusWillDrop() {
    var active = document.activeElement;
    return !active || active === document.body || (controls.contains(active) && active.tagName === "BUTTON");
  }

  function drawClock() {
    var s = Math.max(0, Math.ceil(remaining / 1000));
    clock.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0") + " left in this step";
  }

  function tick() {
    if (!running) return;
    var now = Date.now();
    remaining -= now - last;
    last = now;
    if (remaining <= 0) advance(); else drawClock();
  }

  function advance() {
    if (index < steps.length - 1) {
      index += 1;
      bell(0.6);
      showStep(index);
    } else {
      finish("Finished. Whatever happened, you gave yourself this time.");
    }
  }

  function finish(message) {
    var dropping = focusWillDrop();
    running = false;
    clearInterval(timer);
    bell(1);
    steps.forEach(function (li) { li.hidden = false; li.removeAttribute("aria-current"); });
    player.classList.remove("player--running");
    status.textContent = message;
    clock.textContent = "";
    index = -1;
    visible("ready");
    buttons.start.textContent = "Begin again";
    moving();
    player.setAttribute("data-state", "finished");
    // The focused Pause or Next step has just gone: focus the closing words instead, so a keyboard or
    // screen-reader user hears them and the next Tab reaches "Note how you feel".
    if (dropping) status.focus();
  }

  buttons.start.addEventListener("click", function () {
    window.TendingBell.unlock();
    running = true;
    last = Date.now();
    index = 0;
    player.classList.add("player--running");
    player.setAttribute("data-state", "running");
    bell(1);
    showStep(0);
    visible("running");
    moving();
    clearInterval(timer);
    timer = setInterval(tick, 250);
    buttons.pause.focus();
  });
  buttons.pause.addEventListener("click", function () {
    running = false;
    visible("paused");
    moving();
    player.setAttribute("data-state", "paused");
    status.textContent = "Paused. Carry on whenever you like.";
    buttons.resume.focus();
  });
  buttons.resume.addEventListener("click", function () {
    running = true;
    last = Date.now();
    visible("running");
    moving();
    player.setAttribute("data-state", "running");
    status.textContent = "Step " + (index + 1) + " of " + steps.length + ": " + steps[index].textContent;
    buttons.pause.focus();
  });
  buttons.next.addEventListener("click", function () {
    last = Date.now();
    advance();
  });
  buttons.stop.addEventListener("click", function () {
    finish("Finished for now. Whatever happened, you gave yourself this time.");
    buttons.start.focus();
  });
  sound.addEventListener("change", function () { savePref("sound", sound.checked); });
  still.addEventListener("change", function () { savePref("still", still.checked); moving(); });

  controls.hidden = false;
  player.classList.add("player--enhanced");
  player.setAttribute("data-state", "ready");
  visible("ready");
})();
