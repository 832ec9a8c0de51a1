// Keep the language switcher pointing at the current page in the other language.
// Instant navigation swaps the page body but not the header, so the links that
// mkdocs-static-i18n rendered for the first page would go stale. Both languages share
// one URL layout (zh at /x/, en at /en/x/), so the twin is computed from the location.
document$.subscribe(function () {
  var config = JSON.parse(document.getElementById("__config").textContent);
  var language = document.documentElement.lang || "zh";
  var languageRoot = new URL(config.base.replace(/\/?$/, "/"), location.href);  // base is this language's root
  var siteRoot = language === "zh" ? languageRoot : new URL("../", languageRoot);
  var relative = location.pathname.slice(languageRoot.pathname.length);
  document.querySelectorAll("a.md-select__link[hreflang]").forEach(function (link) {
    var target = link.getAttribute("hreflang") === "zh" ? "" : link.getAttribute("hreflang") + "/";
    link.href = new URL(target + relative, siteRoot).href + location.hash;
  });
});
