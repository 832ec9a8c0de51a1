// Search worker: answers Material's search box from the index files the build wrote
// (llmqa/search_index.py), fetching only the files a query needs.
//
// It speaks Material's worker protocol (setup -> ready, query -> result), so Material's search
// box, keyboard use, result layout and highlighting on the landing page stay as they are.
// Chinese queries are split the way the index was: the longest words the index knows, without
// filler words ("怎么办", "是什么"); a long word also finds the pages that split it.
(function (root) {
  "use strict";

  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
  var TOKEN = /[\u3400-\u9fff]+|[0-9a-z\u00e0-\u00ff\u03b1-\u03c9]+(?:\.[0-9]+)*/g;
  var COMPOUND = /[0-9a-z]+(?:[-.][0-9a-z]+)+/g;
  var HAN = /^[\u3400-\u9fff]+$/;
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
  var PREFIX_WEIGHT = 0.5;      // "token" finds "tokenizer", below the pages that say "token"
  var PART_WEIGHT = 0.6;        // "r-drop" unknown to the index: its halves, weaker
  var SUBWORD_WEIGHT = 0.5;     // "长文本" also finds "文本"
  var SYNONYM_WEIGHT = 0.8;     // "分词器" also finds "tokenizer" (the glossary's names)
  var TITLE_PHRASE = 0.6;       // a typed phrase found as it is in a title
  var MAX_PREFIX_TERMS = 40;
  var TEASER_GROUPS = 20;       // results shown with a teaser; the rest by title
  var K = 12;                   // teaser characters shown before the first match

  function stem(word) {
    if (word.length > 4 && /ies$/.test(word)) return word.slice(0, -3) + "y";
    if (word.length > 3 && /s$/.test(word) && !/(ss|us|is|os)$/.test(word) && !/[0-9]/.test(word[word.length - 2])) return word.slice(0, -1);
    return word;
  }

  // Index tokens of a text: the same rules as llmqa/search_index.py's tokenize.
  function tokenize(text, stopwords) {
    var lowered = text.toLowerCase(), tokens = [];
    (lowered.match(TOKEN) || []).forEach(function (token) {
      if (HAN.test(token)) { if (token.length >= 2) tokens.push(token); }
      else if (!stopwords.has(token)) tokens.push(stem(token));
    });
    (lowered.replace(/\u200b/g, "").match(COMPOUND) || []).forEach(function (compound) {
      if ((compound.indexOf("-") >= 0 || /[a-z]/.test(compound)) && !/^[0-9.]+$/.test(compound)) tokens.push(compound);
    });
    return tokens;
  }

  function shardKey(term) { return HAN.test(term[0]) ? term[0] : term.slice(0, 2); }

  // ---- fetching ----------------------------------------------------------------------------
  var base = null, manifest = null, stopwords = new Set(), shards = {}, teasers = {};
  var synonyms = Object.create(null);  // term -> the terms that name the same glossary entry

  function fetchJSON(name) {
    return fetch(new URL(name, base).href).then(function (response) {
      if (!response.ok) throw new Error(name + ": " + response.status);
      return response.json();
    });
  }

  function loadManifest() {
    if (!manifest) {
      manifest = fetchJSON("manifest.json").then(function (data) {
        stopwords = new Set(data.stopwords);
        (data.synonyms || []).forEach(function (group) {
          group.forEach(function (term) { synonyms[term] = group; });
        });
        return data;
      });
    }
    return manifest;
  }

  function loadShard(number) {
    if (!(number in shards)) shards[number] = fetchJSON(manifest.value.terms[number]);
    return shards[number];
  }

  function loadTeasers(number) {
    if (!(number in teasers)) teasers[number] = fetchJSON(manifest.value.teasers[number]);
    return teasers[number];
  }

  // The term files for every key the query may touch: each Han character (a word may start at
  // any of them) and each Latin word's first two letters.
  function loadTerms(query, extra) {
    var data = manifest.value, wanted = {};
    var lowered = query.toLowerCase();
    (extra || []).forEach(function (term) { var key = shardKey(term); if (key in data.keys) wanted[data.keys[key]] = true; });
    (lowered.match(/[\u3400-\u9fff]/g) || []).forEach(function (ch) { if (ch in data.keys) wanted[data.keys[ch]] = true; });
    (lowered.match(/[0-9a-z\u00e0-\u00ff\u03b1-\u03c9]+/g) || []).forEach(function (word) {
      var key = word.slice(0, 2);
      if (key in data.keys) wanted[data.keys[key]] = true;
    });
    var numbers = Object.keys(wanted).map(Number);
    return Promise.all(numbers.map(loadShard)).then(function (loaded) {
      var terms = Object.create(null);  // no inherited names such as "constructor"
      loaded.forEach(function (shard) { for (var term in shard) terms[term] = shard[term]; });
      return terms;
    });
  }

  // ---- query -------------------------------------------------------------------------------
  // Whether a piece is filler through and through ("什么是" = "什么" + "是").
  function fillerOnly(piece) {
    if (!piece) return true;
    for (var size = piece.length; size >= 1; size -= 1) {
      if (FILLER.indexOf(piece.slice(0, size)) >= 0 && fillerOnly(piece.slice(size))) return true;
    }
    return false;
  }

  // Split a run of Han characters into the fewest known pieces (index words and filler words), an
  // unknown single character counting double: "的原理" is "的" + "原理", not the index's odd "的原" + "理".
  function hanWords(run, terms) {
    var longest = 12, best = [{cost: 0, words: []}];
    for (var end = 1; end <= run.length; end += 1) {
      best[end] = null;
      for (var start = Math.max(0, end - longest); start < end; start += 1) {
        if (!best[start]) continue;
        var piece = run.slice(start, end), cost;
        if (FILLER.indexOf(piece) >= 0 || (piece.length > 1 && piece in terms)) cost = 1;
        else if (piece.length === 1) cost = 2;
        else continue;
        if (!best[end] || best[start].cost + cost < best[end].cost) best[end] = {cost: best[start].cost + cost, words: best[start].words.concat([piece])};
      }
    }
    return best[run.length].words.filter(function (w) { return w.length > 1 && !fillerOnly(w); });
  }

  // The words of a query, each with the index terms that may stand for it and their weights.
  function parse(query, terms) {
    var lowered = query.toLowerCase().replace(/\u200b/g, " "), groups = [];
    function add(word, expansions) {
      if (!groups.some(function (g) { return g.word === word; })) groups.push({word: word, expansions: expansions});
    }
    var latinWords = [];
    lowered.split(/([\u3400-\u9fff]+)/).forEach(function (part, index) {
      if (index % 2) {
        hanWords(part, terms).forEach(function (word) {
          var expansions = [[word, 1]];
          for (var size = word.length - 1; word.length > 2 && size >= 2; size -= 1) {
            for (var at = 0; at + size <= word.length; at += 1) {
              var inner = word.slice(at, at + size);
              if (inner in terms && FILLER.indexOf(inner) < 0) expansions.push([inner, SUBWORD_WEIGHT]);
            }
          }
          add(word, expansions);
        });
      } else {
        part.split(/[\s,;:!?()\[\]"'`/]+/).forEach(function (w) {
          w = w.replace(/^[^0-9a-z\u00e0-\u00ff\u03b1-\u03c9]+|[^0-9a-z\u00e0-\u00ff\u03b1-\u03c9+#]+$/g, "");
          if (w) latinWords.push(w);
        });
      }
    });
    var meaningful = latinWords.filter(function (w) { return !stopwords.has(w); });
    var hasOthers = groups.length > 0 || meaningful.length > 0;
    if (!hasOthers && !latinWords.length) {  // only filler: search for what was typed
      (lowered.match(/[\u3400-\u9fff]+/g) || []).forEach(function (run) { add(run, run in terms ? [[run, 1]] : []); });
    }
    (hasOthers ? meaningful : latinWords).forEach(function (w, index, list) {
      var last = index === list.length - 1, expansions = [];
      var whole = /[-.]/.test(w) ? w : stem(w);
      if (whole in terms) expansions.push([whole, 1]);
      else if (/[-.]/.test(w)) {  // a name the index does not know as a whole: its parts
        (w.match(TOKEN) || []).forEach(function (p) { if (!stopwords.has(p)) expansions.push([stem(p), PART_WEIGHT]); });
      }
      if (w.length >= 2 && !/[-.]/.test(w)) {
        var count = 0;
        for (var term in terms) {
          if (term !== whole && term.lastIndexOf(w, 0) === 0 && !HAN.test(term)) {
            expansions.push([term, PREFIX_WEIGHT * (last ? 1.4 : 1)]);
            if (++count >= MAX_PREFIX_TERMS) break;
          }
        }
      }
      add(w, expansions);
    });
    groups.forEach(function (group) {
      group.expansions.slice().forEach(function (expansion) {
        (synonyms[expansion[0]] || []).forEach(function (other) {
          if (!group.expansions.some(function (e) { return e[0] === other; })) group.expansions.push([other, expansion[1] * SYNONYM_WEIGHT]);
        });
      });
    });
    return groups;
  }

  // Synonyms live in other term files: the terms parse() will want that are not loaded yet.
  function synonymsOf(query, terms) {
    var missing = [];
    parse(query, terms).forEach(function (group) {
      group.expansions.forEach(function (expansion) { if (!(expansion[0] in terms)) missing.push(expansion[0]); });
    });
    return missing;
  }

  // Pieces of the query as typed, between spaces and filler words: "长文本" in "长文本怎么办".
  function phrases(query) {
    var text = query.toLowerCase();
    FILLER.forEach(function (word) { text = text.split(word).join(" "); });
    return text.split(/[\s,;:!?,。;:!?、()()]+/).filter(function (p) {
      return p.length >= 2 && !stopwords.has(p) && (/[\u3400-\u9fff]/.test(p) || p.length >= 3);
    });
  }

  function postings(flat) {
    var out = {}, number = 0;
    for (var i = 0; i < flat.length; i += 2) { number += flat[i]; out[number] = flat[i + 1]; }
    return out;
  }

  function rank(groups, terms, typed) {
    var data = manifest.value, n = data.entries.length, scores = {}, matched = {};
    groups.forEach(function (group, g) {
      var best = {};
      group.expansions.forEach(function (expansion) {
        var flat = terms[expansion[0]];
        if (!flat) return;
        var frequency = flat.length / 2;
        var idf = Math.log(1 + (n - frequency + 0.5) / (frequency + 0.5));
        var list = postings(flat);
        for (var entry in list) {
          var value = idf * list[entry] / data.scale * expansion[1];
          if (!(entry in best) || value > best[entry].value) best[entry] = {value: value, term: expansion[0]};
        }
      });
      for (var entry in best) {
        scores[entry] = (scores[entry] || 0) + best[entry].value;
        (matched[entry] = matched[entry] || {})[g] = best[entry].term;
      }
    });
    // The share of the query's weight an entry matches: missing a rare word costs more.
    var weights = groups.map(function (group) {
      var flat = terms[group.expansions.length ? group.expansions[0][0] : ""];
      var frequency = flat ? flat.length / 2 : 1;
      return Math.log(1 + (n - frequency + 0.5) / (frequency + 0.5));
    });
    var total = weights.reduce(function (a, b) { return a + b; }, 0) || 1;
    function coverage(found) {
      var sum = 0;
      for (var g in found) sum += weights[g];
      return sum / total;
    }
    var ranked = Object.keys(scores).map(function (entry) {
      var covered = coverage(matched[entry]);
      var meta = data.entries[entry];
      // pages before sections, as Material does; entries that match every word first
      var title = meta[1].toLowerCase();
      var inTitle = typed.filter(function (p) { return title.indexOf(p) >= 0; }).length;
      var score = scores[entry] * covered * covered * meta[3] * (meta[2] < 0 ? 1.5 : 1) *
        (1 + (typed.length ? TITLE_PHRASE * inTitle / typed.length : 0));
      return {entry: Number(entry), score: score, matched: matched[entry]};
    });
    ranked.sort(function (a, b) { return b.score - a.score || a.entry - b.entry; });
    return ranked;
  }

  // ---- results -----------------------------------------------------------------------------
  function escapeHTML(text) {
    return text.replace(/[&<>"']/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]; });
  }

  function escapeRegExp(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  function marker(words) {
    var list = words.filter(Boolean).sort(function (a, b) { return b.length - a.length; }).map(escapeRegExp);
    return list.length ? new RegExp("(" + list.join("|") + ")", "gi") : null;
  }

  function highlight(text, pattern) {
    if (!pattern) return escapeHTML(text);
    var out = "", last = 0, match;
    pattern.lastIndex = 0;
    while ((match = pattern.exec(text)) !== null) {
      if (!match[0]) { pattern.lastIndex += 1; continue; }
      out += escapeHTML(text.slice(last, match.index)) + "<mark>" + escapeHTML(match[0]) + "</mark>";
      last = match.index + match[0].length;
    }
    return out + escapeHTML(text.slice(last));
  }

  // A teaser that starts near the first match, at a word or sentence boundary.
  function excerpt(text, pattern) {
    if (!pattern) return text;
    pattern.lastIndex = 0;
    var match = pattern.exec(text);
    if (!match || match.index <= K * 4) return text;
    var start = match.index - K;
    var boundary = text.slice(0, match.index).search(/[。!?;.!?;]\s*[^。!?;.!?;]*$/);
    if (boundary >= 0 && match.index - boundary < K * 4) start = boundary + 1;
    return "…" + text.slice(start).replace(/^[\s,.;:!?,。;:!?、]+/, "");
  }

  function search(query) {
    var data = manifest.value;
    return loadTerms(query).then(function (terms) {
      var missing = synonymsOf(query, terms);
      return missing.length ? loadTerms(query, missing) : terms;
    }).then(function (terms) {
      var groups = parse(query, terms);
      if (!groups.length) return {items: []};
      var ranked = rank(groups, terms, phrases(query));
      // Group by page, best first. When only a page's sections matched (glossary terms), the
      // best section leads the group in the page's place: it links to its anchor and says which
      // page it is on. Material takes a group's last item as its lead when no item is a page.
      var found = {}, order = [], byPage = {};
      ranked.forEach(function (hit) { found[hit.entry] = true; });
      ranked.forEach(function (hit) {
        var parent = data.entries[hit.entry][2];
        var key = parent < 0 || parent in found ? (parent < 0 ? hit.entry : parent) : "s" + parent;
        if (!(key in byPage)) { byPage[key] = []; order.push(key); }
        byPage[key].push(hit);
      });
      order.forEach(function (key) { if (String(key).charAt(0) === "s") byPage[key].reverse(); });
      var shown = {};
      order.slice(0, TEASER_GROUPS).forEach(function (page) {
        byPage[page].forEach(function (hit) { shown[Math.floor(hit.entry / data.chunk)] = true; });
      });
      return Promise.all(Object.keys(shown).map(function (chunk) {
        return loadTeasers(Number(chunk)).then(function (list) { return [Number(chunk), list]; });
      })).then(function (loaded) {
        var chunks = {};
        loaded.forEach(function (pair) { chunks[pair[0]] = pair[1]; });
        var suggestion = null;
        var items = order.map(function (page) {
          return byPage[page].map(function (hit) {
            var meta = data.entries[hit.entry];
            var words = groups.map(function (group, g) { return hit.matched[g]; });
            var pattern = marker(words.concat(groups.map(function (group, g) { return hit.matched[g] ? group.word : null; })));
            var chunk = chunks[Math.floor(hit.entry / data.chunk)];
            var teaser = chunk ? chunk[hit.entry % data.chunk] : ["", []];
            var seen = {};
            groups.forEach(function (group, g) { seen[group.word] = g in hit.matched; });
            if (suggestion === null && hit.score > 0) suggestion = words[words.length - 1] || "";
            var lead = String(page).charAt(0) === "s" && hit === byPage[page][byPage[page].length - 1];
            return {
              location: meta[0],
              title: highlight(meta[1], pattern) + (lead ? " · " + escapeHTML(data.entries[meta[2]][1]) : ""),
              text: teaser[0] ? highlight(excerpt(teaser[0], pattern), pattern) : "",
              tags: teaser[1].length ? teaser[1] : undefined,
              score: hit.score,
              terms: seen
            };
          });
        });
        var last = groups[groups.length - 1];
        var suggest = suggestion && last && suggestion !== last.word && suggestion.lastIndexOf(last.word, 0) === 0 ? [suggestion] : [];
        return {items: items, suggest: suggest};
      });
    });
  }

  // ---- protocol ----------------------------------------------------------------------------
  var latest = 0, queue = Promise.resolve();

  function handle(message) {
    if (!message || typeof message !== "object") return;
    if (message.type === SETUP) {
      loadManifest().then(function (data) {
        manifest.value = data;
        root.postMessage({type: READY});
      }, function (error) {
        console.warn("Search index not available: " + error);
        root.postMessage({type: READY});
      });
    } else if (message.type === QUERY) {
      var ticket = ++latest, query = String(message.data || "").trim();
      queue = queue.then(function () {
        if (ticket !== latest) return null;  // a newer query is waiting: skip this one
        if (!manifest || !manifest.value || !query) return {items: []};
        return search(query).catch(function (error) {
          console.warn("Search failed: " + error);
          return {items: []};
        });
      }).then(function (result) {
        if (result) root.postMessage({type: RESULT, data: result});
      });
    }
  }

  if (typeof module !== "undefined" && module.exports) {  // the tests compare the tokenizer with the build's
    module.exports = {
      tokenize: tokenize, stem: stem, shardKey: shardKey, hanWords: hanWords, handle: handle,
      // the words a query is searched for, as this worker splits it (the benchmark feeds them to Pagefind)
      words: function (query) {
        return loadTerms(query).then(function (terms) { return parse(query, terms).map(function (g) { return g.word; }); });
      },
      // scripts/search-eval.mjs runs the whole query path in Node against a built site
      connect: function (indexURL, post) { base = new URL(indexURL); root = {postMessage: post}; }
    };
    return;
  }
  base = new URL(new URLSearchParams(root.location.search).get("index") || "../../search/kb/", root.location.href);
  root.addEventListener("message", function (event) { handle(event.data); });
})(typeof self !== "undefined" ? self : this);
