// Point the language switcher at the current page in the other language.
// The <link rel=alternate> tags stay at the language roots, which is where Material's instant
// navigation looks for each language's sitemap. Material's own mapping from a root to the
// current page cannot work here, because the Chinese root is a prefix of the English one, so
// the switcher's links are rewritten on every page, instant navigation included. Both
// languages share one URL layout (zh at /x/, en at /en/x/).
(function () {
// `base` is relative to the page first loaded; instant navigation keeps that __config, so the
// roots are resolved once, here, and not against later locations.
var config = JSON.parse(document.getElementById("__config").textContent);
var language = document.documentElement.lang || "zh";
var languageRoot = new URL(config.base.replace(/\/?$/, "/"), location.href);  // base is this language's root
var siteRoot = language === "zh" ? languageRoot : new URL("../", languageRoot);
document$.subscribe(function () {
  // Outside this language's tree, switch to the other root. Leading slashes are
  // dropped: "//evil.example/x" relative to a root would name another host.
  // The 404 page (one page, served for any missing path in either language) leads to the homes:
  // no page in the other language is known to match a missing one.
  var notFound = !!document.querySelector("[data-kb-not-found]");
  var inside = !notFound && location.pathname.indexOf(languageRoot.pathname) === 0;
  var relative = inside ? location.pathname.slice(languageRoot.pathname.length).replace(/^[\/\\]+/, "") : "";
  document.querySelectorAll("a.md-select__link[hreflang]").forEach(function (link) {
    var target = link.getAttribute("hreflang") === "zh" ? "" : link.getAttribute("hreflang") + "/";
    var url = new URL(target + relative, siteRoot);
    if (url.origin !== siteRoot.origin) url = new URL(target, siteRoot);  // never another host
    link.href = url.href + (url.pathname === siteRoot.pathname + target ? "" : location.hash);
    if (!link.dataset.kbFullLoad) {
      link.dataset.kbFullLoad = "1";
      // A full page load: instant navigation would keep this language's header and <html lang>.
      link.addEventListener("click", function (event) {
        event.preventDefault();
        event.stopPropagation();
        location.assign(link.href);
      });
    }
  });
});
})();
