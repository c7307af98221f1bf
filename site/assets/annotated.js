// The site's script: maths rendering with the vendored KaTeX, and a language switch that keeps the section.
(function () {
  "use strict";

  // pymdownx.arithmatex (generic mode) leaves \(..\) in <span class="arithmatex"> for inline maths and
  // \[..\] or \begin{env}..\end{env} in <div class="arithmatex"> for displays.
  function renderMaths(root) {
    if (typeof katex === "undefined") {
      console.error("KaTeX did not load: maths is shown as TeX");
      return;
    }
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
      try {
        katex.render(tex, element, { displayMode: display, throwOnError: true, output: "htmlAndMathml" });
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

  // Every language has the same sections, so the switcher can keep the reader where they are.
  function keepSectionOnSwitch(root) {
    root.querySelectorAll("a.ap-lang").forEach(function (link) {
      link.addEventListener("click", function () {
        if (location.hash.startsWith("#section-")) link.hash = location.hash;
      });
    });
  }

  function setUp() {
    renderMaths(document.body);
    document.querySelectorAll(".md-nav__link").forEach(renderTextMaths);
    watchSearchResults();
    keepSectionOnSwitch(document);
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(setUp); // Material's page observable (also fires after instant navigation)
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
