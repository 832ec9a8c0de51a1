// Search worker: Material's own worker, with Chinese queries prepared the way the index was.
//
// The index is segmented by jieba at build time. In the browser, Material splits a Chinese
// query using the index's vocabulary, but one unknown character makes it search for the whole
// run, and filler words ("怎么办", "是什么") decide the ranking. This wrapper sees each message
// before Material's worker does: it learns the index vocabulary from the setup message, then
// rewrites a query into known words (longest match first), without filler words.
(function () {
  var FILLER = [
    "怎么办", "怎么样", "怎么", "什么样", "什么", "为什么", "如何", "哪些", "哪里", "哪个", "是否",
    "放在哪", "在哪里", "在哪", "去哪找", "去哪儿", "去哪", "哪儿", "哪找",
    "有什么用", "有什么", "有哪些", "有没有", "多大", "多少", "要不要", "还是", "一下", "介绍",
    "请问", "吗", "呢", "啊", "吧", "的", "了", "是", "用", "和", "与", "及", "或", "要", "会", "能"
  ];
  var HAN = /[\u3400-\u9fff]+/g;
  var SENTINEL = "\u3007";  // 〇, a Han character that no indexed word starts with
  var vocabulary = new Set();
  var longest = 1;

  function learn(docs) {
    docs.forEach(function (doc) {
      [doc.title, doc.text].forEach(function (field) {
        (field || "").split(/[\u200b\s]+/).forEach(function (token) {
          if (/^[\u3400-\u9fff]{2,}$/.test(token)) {
            vocabulary.add(token);
            longest = Math.max(longest, token.length);
          }
        });
      });
    });
  }

  function segment(run) {
    var words = [];
    for (var start = 0; start < run.length;) {
      var found = null;
      for (var end = Math.min(run.length, start + longest); end > start + 1; end -= 1) {
        var piece = run.slice(start, end);
        if (FILLER.indexOf(piece) >= 0 || vocabulary.has(piece)) { found = piece; break; }
      }
      if (found === null) found = run[start];  // a lone character: kept only if it is all there is
      words.push(found);
      start += found.length;
    }
    var useful = words.filter(function (w) { return FILLER.indexOf(w) < 0 && (w.length > 1 || words.length === 1); });
    // Material splits each Chinese run again, but never tests a word that ends the run, so
    // "模型编辑" would shrink to "模型". A trailing character that starts no word avoids that;
    // Material drops it from the query.
    return (useful.length ? useful : [run]).map(function (w) { return w + SENTINEL; }).join(" ");
  }

  self.addEventListener("message", function (event) {
    var message = event.data;
    if (!message || typeof message !== "object") return;
    if (message.data && Array.isArray(message.data.docs)) learn(message.data.docs);
    else if (typeof message.data === "string" && vocabulary.size) {
      message.data = message.data.replace(HAN, function (run) { return " " + segment(run) + " "; }).replace(/\s+/g, " ").trim();
    }
  });

  importScripts(new URLSearchParams(self.location.search).get("worker"));
})();
