// The 404 page's search boxes: each opens its language's home page with ?q=, which Material's search
// reads on load (search deep linking). Done here rather than by submitting the form, because the
// Content-Security-Policy allows no form submissions (form-action 'none').
(function () {
  document$.subscribe(function () {
    document.querySelectorAll("form[data-kb-search]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var url = new URL(form.getAttribute("action"), location.href);
        var query = form.querySelector("input[name=q]").value.trim();
        if (query) url.searchParams.set("q", query);
        location.assign(url.href);
      });
    });
  });
})();
