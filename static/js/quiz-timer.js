/* The countdown of a timed quiz attempt. The server is the clock (it refuses answers after the
   deadline); this only shows the time left, says it aloud at 5 minutes and 1 minute (a polite
   live region: the timer itself is role="timer", which screen readers do not read every
   second), and submits the attempt when the time is up, with what is on the page. Restarts
   after htmx swaps the form (a page change brings the server's fresh figure). */
(function () {
  "use strict";
  var interval = null;

  function format(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function submitNow(box) {
    var form = box.closest("form");
    if (!form || form.dataset.timeUp) return;
    form.dataset.timeUp = "1";
    var confirm = document.createElement("input");
    confirm.type = "hidden";
    confirm.name = "bestaetigt";
    confirm.value = "1";
    form.appendChild(confirm);
    form.action = box.dataset.submitUrl;
    HTMLFormElement.prototype.submit.call(form);
  }

  function start() {
    if (interval) window.clearInterval(interval);
    interval = null;
    var box = document.querySelector("[data-quiz-timer]");
    if (!box) return;
    var endsAt = Date.now() + parseInt(box.dataset.secondsLeft, 10) * 1000;
    var shown = box.querySelector("[data-quiz-timer-remaining]");
    var announce = box.querySelector("[data-quiz-timer-announce]");
    var marks = [
      [300, box.dataset.sayFive],
      [60, box.dataset.sayOne],
    ];
    var initial = Math.round((endsAt - Date.now()) / 1000);
    var said = marks.map(function (mark) { return initial <= mark[0]; });
    function tick() {
      var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      shown.textContent = format(left);
      marks.forEach(function (mark, index) {
        if (!said[index] && left <= mark[0]) {
          said[index] = true;
          announce.textContent = mark[1];
        }
      });
      if (left === 0) {
        window.clearInterval(interval);
        submitNow(box);
      }
    }
    tick();
    interval = window.setInterval(tick, 1000);
  }

  document.addEventListener("DOMContentLoaded", start);
  document.addEventListener("htmx:afterSettle", start);
})();
