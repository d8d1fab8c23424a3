// The handbook's search, in Material's search box. Material's worker would build a lunr index of the
// whole site's text before the first result; this answers Material's messages itself from the split
// index in search/handbook/ (render/search_index.py), loading only the shards a query needs, and it
// reads a query the way staff ask: everyday words through the synonym dictionary, question words
// (怎么办, 谁批, 多久) turned into what they ask for, procedures before the forms they use.
// Without our index (a site built without the handbook plugin) Material's own search runs unchanged.
(function () {
  "use strict";
  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
  // what a question word asks for: [phrase, words to look for (may be none)], longest first
  var QUESTIONS = [
    ["多长时间", ["时限"]], ["多少天", ["时限"]], ["什么时候", ["时限"]], ["几天", ["时限"]], ["多久", ["时限"]],
    ["谁审批", ["审批"]], ["谁批准", ["批准"]], ["谁签字", ["签字"]], ["谁签", ["签发"]], ["谁批", ["审批"]],
    ["谁负责", ["负责"]], ["找谁", ["负责"]], ["谁管", ["负责"]],
    ["保存多久", ["保存期限"]], ["保存几年", ["保存期限"]], ["存多久", ["保存期限"]], ["留多久", ["保存期限"]],
    ["怎么办理", []], ["如何办理", []], ["怎么申请", ["申请"]], ["如何申请", ["申请"]], ["在哪里", []], ["去哪里", []],
    ["怎么办", []], ["怎么做", []], ["怎么弄", []], ["怎么样", []], ["怎样", []], ["怎么", []], ["如何", []],
    ["什么", []], ["哪里", []], ["哪儿", []], ["在哪", []], ["哪个", []], ["是否", []], ["能不能", []], ["可不可以", []],
    ["可以", []], ["需要", []], ["请问", []], ["我要", []], ["我想", []], ["想要", []], ["要求", ["要求"]]
  ];
  var STOP = "的了吗呢吧啊呀么我你他她是";
  var HAN = /[\u3400-\u9fff\uf900-\ufaff]+/g;
  var WORD = /[a-z0-9]+/g;
  var PRIOR = { procedure: 1.5, record: 1.0, role: 0.9, index: 0.6, policy: 1.0, guide: 0.5, home: 0.3, other: 0.7 };

  function normalize(text) { return text.normalize("NFKC").replace(/\u200b/g, "").toLowerCase(); }

  function tokens(text) {
    text = normalize(text);
    var out = [];
    (text.match(HAN) || []).forEach(function (run) {
      if (run.length === 1) out.push(run);
      for (var i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
    });
    return out.concat(text.match(WORD) || []);
  }

  var CRC = (function () {
    var table = [];
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
    return table;
  })();

  function crc32(text) {
    var bytes = new TextEncoder().encode(text), c = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) c = CRC[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }

  function mark(text, words) {
    var found = words.filter(function (w) { return w && text.indexOf(w) >= 0; }).sort(function (a, b) { return b.length - a.length; });
    if (!found.length) return escapeHtml(text);
    var pattern = new RegExp(found.map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }).join("|"), "g");
    var out = "", last = 0, m;
    while ((m = pattern.exec(text))) {
      out += escapeHtml(text.slice(last, m.index)) + "<mark>" + escapeHtml(m[0]) + "</mark>";
      last = m.index + m[0].length;
    }
    return out + escapeHtml(text.slice(last));
  }

  // ---- loading: each file is a script that calls __hbSearch(kind, name, data) ----
  var waiting = {};
  var loaded = {};
  window.__hbSearch = function (kind, name, data) {
    var key = kind + ":" + name;
    loaded[key] = data;
    (waiting[key] || []).forEach(function (resolve) { resolve(data); });
    delete waiting[key];
  };

  function load(base, file, kind, name) {
    var key = kind + ":" + name;
    if (key in loaded) return Promise.resolve(loaded[key]);
    return new Promise(function (resolve) {
      var first = !waiting[key];
      (waiting[key] = waiting[key] || []).push(resolve);
      if (!first) return;
      var script = document.createElement("script");
      script.src = base + file;
      script.async = true;
      script.onerror = function () { window.__hbSearch(kind, name, null); };
      document.head.appendChild(script);
    });
  }

  // ---- the query: groups of alternatives; a page matches a group when it has all of one's tokens ----
  function parse(query, manifest) {
    var q = " " + normalize(query).replace(/[\s\p{P}\p{S}]+/gu, " ") + " ";
    var groups = [];   // {label, words, weight}
    var soft = [];     // words a question asks for: they raise a page, never required
    QUESTIONS.forEach(function (pair) {
      if (q.indexOf(pair[0]) >= 0) {
        q = q.split(pair[0]).join(" ");
        soft.push.apply(soft, pair[1]);
      }
    });
    manifest.synonyms.forEach(function (entry) {
      if (q.indexOf(entry[0]) >= 0) {
        q = q.split(entry[0]).join(" ");
        groups.push({ label: entry[0], words: [entry[0]].concat(entry[1]), weight: 1 });
      }
    });
    var trim = new RegExp("^[" + STOP + "]+|[" + STOP + "]+$", "g");
    q.split(/\s+/).forEach(function (part) {
      (part.match(HAN) || []).forEach(function (run) {
        var word = run.replace(trim, "");
        if (!word) return;
        var words = [word], partial = {};
        // a longer run may hold words the handbook puts otherwise ("预算超"): its pairs count, for less
        for (var i = 0; word.length > 2 && i + 1 < word.length; i++) { words.push(word.slice(i, i + 2)); partial[word.slice(i, i + 2)] = true; }
        groups.push({ label: word, words: words, weight: 1, partial: partial });
      });
      (part.match(WORD) || []).forEach(function (w) { groups.push({ label: w, words: [w], weight: 1 }); });
    });
    if (!groups.length) soft.forEach(function (w) { groups.push({ label: w, words: [w], weight: 1 }); });
    return { groups: groups, soft: groups.length ? soft : [], whole: normalize(query).replace(/[\s\p{P}\p{S}]+/gu, "") };
  }

  function Engine(base, manifest) {
    this.base = base;
    this.manifest = manifest;
    this.kinds = manifest.kinds;
  }

  Engine.prototype.postings = function (toks) {
    var self = this, m = this.manifest;
    var shards = {};
    toks.forEach(function (t) { shards[crc32(t) % m.shards] = true; });
    return Promise.all(Object.keys(shards).map(function (k) { return load(self.base, "s" + k + ".js", "shard", k); }))
      .then(function () {
        var out = {};
        toks.forEach(function (t) {
          var shard = loaded["shard:" + (crc32(t) % m.shards)] || {};
          out[t] = shard[t] || [];
        });
        return out;
      });
  };

  Engine.prototype.search = function (query) {
    var self = this, m = this.manifest, n = m.docs.length;
    var parsed = parse(query, m);
    if (!parsed.groups.length) return Promise.resolve({ items: [] });
    var all = {};
    parsed.groups.forEach(function (g) { g.words.forEach(function (w) { tokens(w).forEach(function (t) { all[t] = true; }); }); });
    parsed.soft.forEach(function (w) { tokens(w).forEach(function (t) { all[t] = true; }); });
    return this.postings(Object.keys(all)).then(function (post) {
      var idf = {};
      var weight = {};   // token -> {doc: weight}
      Object.keys(post).forEach(function (t) {
        var list = post[t], map = {};
        for (var i = 0; i < list.length; i += 2) map[list[i]] = list[i + 1];
        weight[t] = map;
        idf[t] = Math.log(1 + n / (1 + list.length / 2));
      });
      function wordScore(word) {   // per doc: the score of a word whose every token it has
        var toks = tokens(word), scores = {};
        if (!toks.length) return scores;
        Object.keys(weight[toks[0]] || {}).forEach(function (d) {
          var s = 0;
          for (var i = 0; i < toks.length; i++) {
            var w = (weight[toks[i]] || {})[d];
            if (w === undefined) return;
            s += w * idf[toks[i]];
          }
          scores[d] = s / toks.length;
        });
        return scores;
      }
      var matched = {}, score = {}, hit = {};
      parsed.groups.forEach(function (g, gi) {
        var best = {};
        g.words.forEach(function (w) {
          var s = wordScore(w), f = g.partial && g.partial[w] ? 0.3 : 1;
          Object.keys(s).forEach(function (d) {
            if (!(d in best) || f * s[d] > best[d].s) best[d] = { s: f * s[d], w: w };
          });
        });
        Object.keys(best).forEach(function (d) {
          matched[d] = (matched[d] || 0) + 1;
          score[d] = (score[d] || 0) + best[d].s * g.weight;
          (hit[d] = hit[d] || {})[gi] = best[d].w;
        });
      });
      parsed.soft.forEach(function (w) {
        var s = wordScore(w);
        Object.keys(s).forEach(function (d) { if (d in score) score[d] += 0.3 * s[d]; });
      });
      var docs = Object.keys(score).map(Number);
      if (!docs.length) return self.fallback(parsed);
      var most = Math.max.apply(null, docs.map(function (d) { return matched[d]; }));
      docs = docs.filter(function (d) { return matched[d] === most || matched[d] >= Math.max(1, most - 1) && most > 2; });
      var words = [];   // a pair out of a longer word earns no title bonus
      parsed.groups.forEach(function (g) { words.push.apply(words, g.words.filter(function (w) { return !(g.partial && g.partial[w]); })); });
      docs.forEach(function (d) {
        var doc = m.docs[d], title = normalize(doc[1]), kind = self.kinds[doc[2]];
        var bonus = 1;
        var names = [title].concat(doc[4] ? normalize(doc[4]).split("|") : []);
        // the query is the title, is in the title, or is one of the page's aliases
        if (title === parsed.whole) bonus = 3;
        else if (parsed.whole && title.indexOf(parsed.whole) >= 0) bonus = 2.6;
        else if (names.indexOf(parsed.whole) >= 0) bonus = 2.6;
        words.forEach(function (w) {
          if (title === w) bonus = Math.max(bonus, 3);
          else if (names.indexOf(w) >= 0) bonus = Math.max(bonus, 2);
          else if (title.indexOf(w) >= 0) bonus = Math.max(bonus, 1.6);
        });
        score[d] = score[d] * bonus * (PRIOR[kind] || 1) * (matched[d] === most ? 1 : 0.5);
      });
      docs.sort(function (a, b) { return score[b] - score[a] || a - b; });
      docs = docs.slice(0, 20);
      return Promise.all(docs.map(function (d) { return load(self.base, "d" + d + ".js", "doc", String(d)); }))
        .then(function (details) {
          return { items: docs.map(function (d, i) { return self.item(d, details[i], parsed, hit[d] || {}, score[d]); }) };
        });
    });
  };

  Engine.prototype.item = function (d, detail, parsed, hits, score) {
    var doc = this.manifest.docs[d];
    var words = [], terms = {};
    parsed.groups.forEach(function (g, gi) {
      terms[g.label] = gi in hits;
      if (gi in hits) words.push(hits[gi], g.label);
    });
    words = words.concat(parsed.soft);
    var kindName = { procedure: "流程", record: "表单", role: "岗位", index: "索引", policy: "制度", guide: "说明" }[this.kinds[doc[2]]];
    var head = (kindName ? "[" + kindName + "] " : "") + (doc[3] ? doc[3] + " " : "");
    var page = { location: doc[0], title: mark(doc[1], words), text: escapeHtml(head) + mark((detail && detail.text) || "", words),
                 score: score, terms: terms };
    var items = [page];
    ((detail && detail.sections) || []).forEach(function (s) {
      if (items.length > 3) return;
      var text = normalize(s[1] + " " + s[2]);
      if (words.some(function (w) { return w && text.indexOf(w) >= 0; }))
        items.push({ location: doc[0] + "#" + s[0], title: mark(s[1], words), text: mark(s[2], words), score: score / 2, terms: terms });
    });
    return items;
  };

  Engine.prototype.fallback = function (parsed) {
    // nothing matched: offer the categories of procedures
    var terms = {};
    parsed.groups.forEach(function (g) { terms[g.label] = false; });
    return Promise.resolve({ items: this.manifest.categories.map(function (c) {
      return [{ location: c[1], title: escapeHtml("按类别查找：" + c[0]), text: escapeHtml("没有找到完全相符的内容，可以在这一类流程中找。"),
                score: 0, terms: terms }];
    }) });
  };

  // ---- Material's messages ----
  function siteBase() {
    try {
      var config = JSON.parse(document.getElementById("__config").textContent);
      return new URL(config.base.replace(/\/?$/, "/"), location.href).href;
    } catch (e) {
      return new URL("./", location.href).href;
    }
  }

  function answer(worker, data) {
    setTimeout(function () { worker.dispatchEvent(new MessageEvent("message", { data: data })); }, 0);
  }

  var engine = null, latest = 0;
  var post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message) {
    var worker = this;
    if (message && message.type === SETUP && message.data && message.data.config && message.data.config.handbook) {
      var base = siteBase() + message.data.config.handbook.folder;
      load(base, "manifest.js", "manifest", "").then(function (manifest) {
        if (manifest) engine = new Engine(base, manifest);
        if (engine) answer(worker, { type: READY });
        else post.call(worker, message);   // our index is missing: let Material's worker search
      });
      return;
    }
    if (engine && message && message.type === QUERY) {
      var mine = ++latest;
      engine.search(String(message.data)).then(function (result) {
        if (mine === latest) answer(worker, { type: RESULT, data: result });   // a later query's answer wins
      });
      return;
    }
    return post.apply(this, arguments);
  };
})();
