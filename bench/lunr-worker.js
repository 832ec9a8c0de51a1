// The site's search worker before the split index (kept for the benchmark's comparison): Material's
// lunr worker, with Chinese queries prepared the way the index was.
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
    "请问", "吗", "呢", "啊", "吧", "的", "了", "是", "用", "和", "与", "及", "或", "要", "会", "能",
    // words that ask about any topic; the topic is in the other words of the query
    "原理", "区别", "作用", "优缺点", "优势", "缺点", "对比", "比较", "不同", "公式", "例子", "举例",
    "步骤", "流程", "方法", "难点", "问题", "是啥", "为啥", "啥", "理解", "详解", "讲讲", "说说",
    "大模型", "模型"  // on this site nearly every page is about a model
  ];
  // The same for English words, on either site: they are dropped only when the query has other words.
  var ENGLISH_FILLER = new Set(("what why how is are was were the a an of to in on for and or vs versus does do did " +
    "with between difference differences explain which when its it can should would i you my this that").split(" "));
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

  function words(run) {
    var found = [];
    for (var start = 0; start < run.length;) {
      var word = null;
      for (var end = Math.min(run.length, start + longest); end > start + 1; end -= 1) {
        var piece = run.slice(start, end);
        if (FILLER.indexOf(piece) >= 0 || vocabulary.has(piece)) { word = piece; break; }
      }
      if (word === null) word = run[start];  // a lone character: kept only if it is all there is
      found.push(word);
      start += word.length;
    }
    return found.filter(function (w) { return FILLER.indexOf(w) < 0 && (w.length > 1 || found.length === 1); });
  }

  // Material splits each Chinese run again, but never tests a word that ends the run, so
  // "模型编辑" would shrink to "模型". A trailing character that starts no word avoids that;
  // Material drops it from the query.
  function prepare(query) {
    var useful = [];
    query.split(/([\u3400-\u9fff]+)/).forEach(function (part, index) {
      if (index % 2) {
        words(part).forEach(function (w) {
          useful.push(w + SENTINEL);
          // A long word of the index also finds the pages that split it: "长文本" finds "更长的文本".
          for (var size = w.length - 1; w.length > 2 && size >= 2; size -= 1) {
            for (var at = 0; at + size <= w.length; at += 1) {
              var inner = w.slice(at, at + size);
              if (vocabulary.has(inner) && FILLER.indexOf(inner) < 0 && useful.indexOf(inner + SENTINEL) < 0) useful.push(inner + SENTINEL);
            }
          }
        });
      } else {
        part.split(/\s+/).forEach(function (w) { if (w && !ENGLISH_FILLER.has(w.toLowerCase())) useful.push(w); });
      }
    });
    return useful.length ? useful.join(" ") : query;  // only filler: search for what was typed
  }

  self.addEventListener("message", function (event) {
    var message = event.data;
    if (!message || typeof message !== "object") return;
    if (message.data && Array.isArray(message.data.docs)) learn(message.data.docs);
    else if (typeof message.data === "string" && vocabulary.size) {
      message.data = prepare(message.data.trim());
    }
  });

  importScripts("MATERIAL_WORKER");  // bench/search_options.py fills in the built site's Material worker
})();
