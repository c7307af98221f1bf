// The site's script: maths rendering with the vendored KaTeX, and a language switch that keeps the section.
(function () {
  "use strict";

  // pymdownx.arithmatex (generic mode) leaves \(..\) in <span class="arithmatex"> for inline maths and
  // \[..\] or \begin{env}..\end{env} in <div class="arithmatex"> for displays.
  // The symbols the notes use for identifiers of the code ({identifier: [TeX, ...]}, from tools/symbols.py via the
  // page's front matter): marked in the notes' maths as data-ap-sym="<identifier>" for click-to-highlight.
  function symbolMarker() {
    var element = document.getElementById("ap-page");
    var symbols = {};
    try {
      symbols = (element && JSON.parse(element.textContent).symbols) || {};
    } catch (error) {
      return null;
    }
    var owners = {};
    Object.keys(symbols).forEach(function (name) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return;
      symbols[name].forEach(function (tex) { if (!(tex in owners)) owners[tex] = name; });
    });
    var texts = Object.keys(owners).sort(function (a, b) { return b.length - a.length; });
    if (!texts.length) return null;
    // A symbol starts where no command or name goes on before it, and ends where no letter or digit follows.
    var pattern = new RegExp("(?<![A-Za-z\\\\])(?:" + texts.map(function (tex) {
      return tex.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }).join("|") + ")(?![A-Za-z0-9])", "g");
    return function (tex) {
      return tex.replace(pattern, function (found) {
        return "\\htmlData{ap-sym=" + owners[found] + "}{" + found + "}";
      });
    };
  }

  function renderMaths(root) {
    if (typeof katex === "undefined") {
      console.error("KaTeX did not load: maths is shown as TeX");
      return;
    }
    var mark = symbolMarker();
    root.querySelectorAll(".arithmatex").forEach(function (element) {
      if (element.dataset.rendered) return;
      var tex = element.textContent.trim();
      var display = element.tagName === "DIV";
      if (tex.startsWith("\\(") && tex.endsWith("\\)")) {
        tex = tex.slice(2, -2);
        display = false;
      } else if (tex.startsWith("\\[") && tex.endsWith("\\]")) {
        tex = tex.slice(2, -2);
        display = true;
      }
      var marked = mark && element.closest(".ap-note") ? mark(tex) : tex;
      try {
        try {
          katex.render(marked, element, { displayMode: display, throwOnError: true, output: "htmlAndMathml",
                                          trust: function (context) { return context.command === "\\htmlData"; },
                                          // \htmlData is ours, not the notes' TeX: no strict-mode warning for it
                                          strict: function (code) { return code === "htmlExtension" ? "ignore" : "warn"; } });
        } catch (error) {
          if (marked === tex) throw error;
          katex.render(tex, element, { displayMode: display, throwOnError: true, output: "htmlAndMathml" });
        }
        element.dataset.rendered = "true";
      } catch (error) {
        // Leave the TeX readable and say what is wrong: the site's browser test fails on console errors.
        element.classList.add("ap-math-error");
        console.error("KaTeX could not render " + JSON.stringify(tex) + ": " + error.message);
      }
    });
  }

  // Headings with maths reach the navigation and Material's search results as plain text ("Mixing \(k\)-step
  // estimates"), and so do the section texts shown under a search result: render the \(..\) and \[..\] in them
  // (inline, to keep a result short). TeX that KaTeX refuses, or that a search highlight cut in two, stays as is.
  var TEX = /\\\(([\s\S]+?)\\\)|\\\[([\s\S]+?)\\\]/g;

  function renderTextMaths(root) {
    if (typeof katex === "undefined") return;
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) {
      var node = walker.currentNode;
      var value = node.nodeValue;
      if ((value.indexOf("\\(") >= 0 || value.indexOf("\\[") >= 0) &&
          !node.parentNode.closest("code, pre, .katex, .arithmatex")) {
        nodes.push(node);
      }
    }
    nodes.forEach(function (node) {
      var text = node.nodeValue;
      var fragment = document.createDocumentFragment();
      var position = 0;
      var found = false;
      TEX.lastIndex = 0;
      var match;
      while ((match = TEX.exec(text)) !== null) {
        var span = document.createElement("span");
        try {
          katex.render(match[1] !== undefined ? match[1] : match[2], span, { throwOnError: true, output: "html" });
        } catch (error) {
          continue; // not maths KaTeX understands: the text stays as it is
        }
        fragment.appendChild(document.createTextNode(text.slice(position, match.index)));
        fragment.appendChild(span);
        position = match.index + match[0].length;
        found = true;
      }
      if (!found) return;
      fragment.appendChild(document.createTextNode(text.slice(position)));
      node.parentNode.replaceChild(fragment, node);
    });
  }

  // Material fills the search results as the reader types (and adds more on scrolling): render each batch.
  function watchSearchResults() {
    var list = document.querySelector(".md-search-result__list");
    if (!list || typeof MutationObserver === "undefined" || list.dataset.mathsWatched) return;
    list.dataset.mathsWatched = "true";
    // Rendering changes the list too; the second call finds no TeX left and changes nothing, so this settles.
    new MutationObserver(function () { renderTextMaths(list); }).observe(list, { childList: true, subtree: true });
  }

  // Every language has the same sections and the same headings in the same order (translation keeps the
  // structure), so the switcher can keep the reader where they are: a section by its anchor (#section-3), a
  // heading, whose anchor is made from its words and so differs between languages, by its place among the
  // page's headings (#ap-heading:4), which the page in the other language turns back into its own anchor.
  var HEADING = "#ap-heading:";

  function headings() {
    return Array.prototype.slice.call(document.querySelectorAll(
      "article h1[id], article h2[id], article h3[id], article h4[id], article h5[id], article h6[id]"));
  }

  function keepSectionOnSwitch(root) {
    root.querySelectorAll("a.ap-lang").forEach(function (link) {
      link.addEventListener("click", function () {
        var hash = location.hash;
        if (hash.startsWith("#section-")) {
          link.hash = hash;
          return;
        }
        var id = decodeURIComponent(hash.slice(1));
        var place = headings().findIndex(function (heading) { return heading.id === id; });
        if (id && place >= 0) link.hash = HEADING + place;
      });
    });
  }

  function resolveHeadingLink() {
    if (!location.hash.startsWith(HEADING)) return;
    var heading = headings()[parseInt(location.hash.slice(HEADING.length), 10)];
    if (!heading) return;
    history.replaceState(history.state, "", "#" + encodeURIComponent(heading.id));
    heading.scrollIntoView();
  }

  // The code column is as wide as the page's longest line of code (up to the 120 columns the stylesheet allows),
  // the same in every section of the page: a page of short code gives its notes the room.
  function fitCodeColumn() {
    var longest = 0;
    document.querySelectorAll(".ap-code pre > code").forEach(function (code) {
      code.textContent.split("\n").forEach(function (line) { longest = Math.max(longest, line.length); });
    });
    var content = document.querySelector(".md-content");
    if (longest && content) content.style.setProperty("--ap-code-columns", String(Math.max(48, Math.min(120, longest))));
  }

  function setUp() {
    fitCodeColumn();
    renderMaths(document.body);
    document.querySelectorAll(".md-nav__link").forEach(renderTextMaths);
    watchSearchResults();
    keepSectionOnSwitch(document);
    resolveHeadingLink();
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(setUp); // Material's page observable (also fires after instant navigation)
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
