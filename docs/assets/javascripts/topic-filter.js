// "Answered only" on topic pages: hides the list of questions still awaiting an answer, without a reload.
// The button is hidden until this script runs, so that readers without JavaScript see every list.
(function () {
  document$.subscribe(function () {
    var bar = document.querySelector("[data-kb-filter]");
    if (!bar) return;
    var button = bar.querySelector("[data-kb-filter-toggle]");
    var group = document.getElementById(button.getAttribute("aria-controls"));
    bar.hidden = false;
    button.addEventListener("click", function () {
      var on = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", String(on));
      if (group) group.hidden = on;
    });
  });
})();
