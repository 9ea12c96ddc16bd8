// Keeps the next session's countdown current and shows the join button from 15 minutes
// before the start until the end, without a reload. The page works without it.
(function () {
  "use strict";
  var box = document.querySelector("[data-starts]");
  if (!box) return;
  var starts = Date.parse(box.getAttribute("data-starts"));
  var ends = Date.parse(box.getAttribute("data-ends"));
  var text = box.querySelector("[data-relative]");
  var join = document.querySelector("[data-join]");
  var later = document.querySelector("[data-join-later]");
  var lang = document.documentElement.lang || "en";
  var relative = window.Intl && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat(lang, { numeric: "auto" }) : null;

  function describe(ms) {
    var minutes = Math.round(ms / 60000);
    if (Math.abs(minutes) < 60) return relative.format(minutes, "minute");
    var hours = Math.round(minutes / 60);
    if (Math.abs(hours) < 48) return relative.format(hours, "hour");
    return relative.format(Math.round(hours / 24), "day");
  }

  function tick() {
    var now = Date.now();
    if (relative && text && now < starts) text.textContent = describe(starts - now);
    var open = now >= starts - 15 * 60000 && now <= ends;
    if (join) join.hidden = !open;
    if (later) later.hidden = open;
  }
  tick();
  setInterval(tick, 30000);
})();
