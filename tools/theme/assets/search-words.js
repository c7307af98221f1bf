// Search in languages written without spaces (tools/segment.py cut the search index into words when the site was
// built): cut the reader's query into the same words before Material's search worker sees it, so that a compound
// typed without spaces (アドバンテージ推定) finds the pages that contain it.
//
// The words are those of the index itself (its vocabulary is what the build-time segmenter produced): each run of
// the segmenter's script in the query is cut into the longest words the index holds, left to right.
(function () {
  "use strict";
  if (typeof Worker === "undefined" || typeof fetch === "undefined") return;
  var configElement = document.getElementById("__config");
  if (!configElement) return;
  var indexUrl = new URL(JSON.parse(configElement.textContent).base + "/search/search_index.json", location.href);

  var words = null; // {runs: RegExp, vocabulary: Set, longest: number}, or false for a language not segmented
  var loading = null;
  var waiting = []; // queries posted before the vocabulary was read: [worker, message]

  function readIndex(index) {
    var config = index.config || {};
    if (!config.segment) return false;
    var separator = new RegExp(config.separator);
    var vocabulary = new Set();
    var longest = 1;
    (index.docs || []).forEach(function (doc) {
      [doc.title, doc.text].forEach(function (field) {
        if (typeof field !== "string") return;
        field.replace(/<[^>]*>/g, " ").toLowerCase().split(separator).forEach(function (word) {
          if (!word || vocabulary.has(word)) return;
          vocabulary.add(word);
          if (word.length > longest) longest = word.length;
        });
      });
    });
    return { runs: new RegExp(config.segment, "g"), vocabulary: vocabulary, longest: longest };
  }

  // One run of the script: the longest known word at each position; characters no word starts with stay together.
  function cutRun(run, found) {
    var parts = [];
    var unknown = "";
    for (var i = 0; i < run.length;) {
      var length = Math.min(found.longest, run.length - i);
      while (length > 0 && !found.vocabulary.has(run.substr(i, length).toLowerCase())) length--;
      if (length === 0) {
        unknown += run[i];
        i += 1;
        continue;
      }
      if (unknown) parts.push(unknown);
      unknown = "";
      parts.push(run.substr(i, length));
      i += length;
    }
    if (unknown) parts.push(unknown);
    return parts.join(" ");
  }

  function cutQuery(query) {
    if (!words) return query;
    // Spaces around the run too: "PPOの損失" is the words PPO, の, 損失.
    return query.replace(words.runs, function (run) { return " " + cutRun(run, words) + " "; }).trim();
  }

  var post = Worker.prototype.postMessage;

  function send(worker, message) {
    post.call(worker, { type: message.type, data: cutQuery(message.data) });
  }

  function load() {
    if (!loading) {
      loading = fetch(indexUrl).then(function (response) { return response.json(); })
        .then(readIndex, function () { return false; })
        .then(function (result) {
          words = words === null ? result : words;
          waiting.splice(0).forEach(function (item) { send(item[0], item[1]); });
        });
    }
    return loading;
  }

  // Material's search worker is sent the index ({config, docs}) once, then each query as a string.
  Worker.prototype.postMessage = function (message) {
    if (message && typeof message === "object" && message.data) {
      if (typeof message.data === "string" && words === null) {
        waiting.push([this, message]);
        load();
        return undefined;
      }
      if (typeof message.data === "string") {
        send(this, message);
        return undefined;
      }
      if (words === null && message.data.config && message.data.docs) words = readIndex(message.data);
    }
    return post.apply(this, arguments);
  };
})();
