// Self-test mode for topic pages and the self-test page, and progress on the home page.
// Progress lives in localStorage only, keyed by the language-independent question id,
// so it survives reloads and switching language. Subscribed to Material's document$ so
// that it works with instant navigation.
(function () {
  var STORAGE_KEY = "llmqa.progress.v1";

  var STATES = { mastered: true, review: true };
  var wasReset = false;  // shown once in the self-test's progress line
  var tests = [];  // the self-tests of the page on screen (instant navigation replaces them)
  var QUESTION_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;  // the id pattern of llmqa/schema.json: never "__proto__"
  // Only a plain object of id -> "mastered" | "review" is progress; anything else in storage
  // (edited by hand, another script, an old format) is discarded, and the reader is told.
  function isProgress(value) {
    if (Object.prototype.toString.call(value) !== "[object Object]" || Object.getPrototypeOf(value) !== Object.prototype) return false;
    return Object.keys(value).every(function (key) {
      return QUESTION_ID.test(key) && typeof value[key] === "string" && STATES.hasOwnProperty(value[key]);
    });
  }
  function load() {
    var raw = null;
    try { raw = localStorage.getItem(STORAGE_KEY); } catch (e) { return {}; }
    if (raw === null) return {};
    var value;
    try { value = JSON.parse(raw); } catch (e) { value = undefined; }
    if (isProgress(value)) return value;
    try { localStorage.removeItem(STORAGE_KEY); } catch (e) { /* private mode */ }
    wasReset = true;
    if (window.console) console.warn("self-test: stored progress was not valid and has been reset");
    return {};
  }
  function save(progress) {
    try { localStorage.setItem(STORAGE_KEY, JSON.stringify(progress)); } catch (e) { /* private mode */ }
  }
  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }
  function summarize(ids, progress) {
    var mastered = 0, review = 0;
    ids.forEach(function (id) {
      if (progress[id] === "mastered") mastered += 1;
      if (progress[id] === "review") review += 1;
    });
    return { mastered: mastered, review: review, total: ids.length };
  }

  function setUpHome() {
    var progress = load();
    document.querySelectorAll("[data-kb-topic-progress]").forEach(function (node) {
      var ids = node.getAttribute("data-kb-topic-progress").split(" ").filter(Boolean);
      node.textContent = ids.length ? format(node.getAttribute("data-kb-template"), summarize(ids, progress)) : "";
    });
  }

  function setUpSelfTest(section) {
    var strings = JSON.parse(section.getAttribute("data-kb-strings"));
    var list = section.querySelector(".kb-selftest__list");
    var toolbar = section.querySelector("[data-kb-toolbar]");
    var toggle = section.querySelector('[data-kb-action="toggle"]');
    var progressNode = section.querySelector("[data-kb-progress]");
    var emptyNode = section.querySelector("[data-kb-empty]");
    var filters = { review: false, "hide-mastered": false };
    var test = { section: section, active: false };
    var current = 0;
    toolbar.hidden = false;
    section.querySelectorAll("[data-kb-controls]").forEach(function (node) { node.hidden = false; });

    function cards() { return Array.prototype.slice.call(list.querySelectorAll(".kb-card")); }
    function shown() { return cards().filter(function (card) { return !card.hidden; }); }
    function render() {
      var progress = load();
      cards().forEach(function (card) {
        var state = progress[card.getAttribute("data-kb-id")];
        card.setAttribute("data-kb-state", state || "");
        card.querySelector('[data-kb-action="mastered"]').setAttribute("aria-pressed", String(state === "mastered"));
        card.querySelector('[data-kb-action="review"]').setAttribute("aria-pressed", String(state === "review"));
        card.querySelector("[data-kb-state-label]").textContent = state ? strings[state] : "";
        card.hidden = (filters.review && state !== "review") || (filters["hide-mastered"] && state === "mastered");
      });
      var ids = cards().map(function (card) { return card.getAttribute("data-kb-id"); });
      progressNode.textContent = format(strings.progress, summarize(ids, progress)) + (wasReset ? " " + strings.reset_notice : "");
      emptyNode.hidden = shown().length > 0;
    }
    function setRevealed(card, revealed) {
      var button = card.querySelector('[data-kb-action="reveal"]');
      card.querySelector(".kb-card__answer").hidden = !revealed;
      button.setAttribute("aria-expanded", String(revealed));
      button.textContent = revealed ? strings.hide : strings.reveal;
    }
    function setActive(on) {
      test.active = on;
      section.classList.toggle("kb-selftest--active", on);
      toggle.setAttribute("aria-pressed", String(on));
      toggle.textContent = on ? strings.stop : strings.start;
      cards().forEach(function (card) { setRevealed(card, !on); });
      if (on) focus(0);
    }
    // `index` counts the cards on screen: filtered-out cards are skipped.
    function focus(index) {
      var all = shown();
      cards().forEach(function (card) { card.classList.remove("kb-card--current"); });
      if (!all.length) return;
      current = Math.max(0, Math.min(index, all.length - 1));
      all[current].classList.add("kb-card--current");
      all[current].focus({ preventScroll: false });
    }
    function currentCard() { return shown()[current]; }
    function mark(card, state) {
      var progress = load();
      var id = card.getAttribute("data-kb-id");
      if (progress[id] === state) delete progress[id]; else progress[id] = state;
      save(progress);
      render();
      if (card.hidden) focus(current);  // a filter hid it: the next card becomes current
    }
    function shuffle() {
      var all = cards();
      for (var i = all.length - 1; i > 0; i -= 1) {
        var j = Math.floor(Math.random() * (i + 1));
        var tmp = all[i]; all[i] = all[j]; all[j] = tmp;
      }
      all.forEach(function (card) { list.appendChild(card); });
      focus(0);
    }
    function setFilter(button) {
      var name = button.getAttribute("data-kb-selftest-filter");
      filters[name] = !filters[name];
      button.setAttribute("aria-pressed", String(filters[name]));
      render();
      if (test.active) focus(0);
    }

    section.addEventListener("click", function (event) {
      var filter = event.target.closest("[data-kb-selftest-filter]");
      if (filter) { setFilter(filter); return; }
      var card = event.target.closest(".kb-card");
      if (card && !card.hidden) current = Math.max(0, shown().indexOf(card));
      var button = event.target.closest("[data-kb-action]");
      if (!button) return;
      var action = button.getAttribute("data-kb-action");
      if (action === "toggle") setActive(!test.active);
      else if (action === "shuffle") shuffle();
      else if (action === "reset") {
        if (window.confirm(strings.confirm)) { save({}); render(); }
      } else if (action === "reveal") setRevealed(card, card.querySelector(".kb-card__answer").hidden);
      else if (action === "mastered" || action === "review") mark(card, action);
    });
    // The keys, for the keyboard handler below.
    test.key = function (key) {
      var card = currentCard();
      if (key === "s" || key === "S") { shuffle(); return true; }
      if (!card) return false;
      if (key === " " || key === "Spacebar") setRevealed(card, card.querySelector(".kb-card__answer").hidden);
      else if (key === "ArrowRight" || key === "ArrowDown" || key === "j") focus(current + 1);
      else if (key === "ArrowLeft" || key === "ArrowUp" || key === "k") focus(current - 1);
      else if (key === "m" || key === "M") mark(card, "mastered");
      else if (key === "r" || key === "R") mark(card, "review");
      else return false;
      return true;
    };
    render();
    return test;
  }

  // One keyboard handler for the whole page, in the capture phase: the keys work wherever focus is
  // while a self-test is on, and a key it handles never reaches Material, whose own S opens search.
  // Keys typed into a field, with a modifier, or while search is open are left alone; so is Space on
  // a focused button or link, which presses it.
  function typing(target) {
    return !!(target && target.closest && (target.closest("input, textarea, select, [contenteditable]") || target.isContentEditable));
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing || typing(event.target)) return;
    var search = document.getElementById("__search");
    if (search && search.checked) return;
    var key = event.key;
    if ((key === " " || key === "Enter") && event.target.closest && event.target.closest("button, a, summary, label")) return;
    var test = tests.filter(function (t) { return t.active && document.contains(t.section); })[0];
    if (!test || !test.key(key)) return;
    event.preventDefault();
    event.stopPropagation();
  }, true);

  document$.subscribe(function () {
    setUpHome();
    tests = Array.prototype.map.call(document.querySelectorAll("[data-kb-selftest]"), setUpSelfTest);
  });
})();
