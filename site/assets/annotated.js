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

  // Headings with maths reach the navigation as plain text ("Mixing \\(k\\)-step estimates"): render those too.
  function renderNavigationMaths(root) {
    if (typeof katex === "undefined") return;
    root.querySelectorAll(".md-nav__link").forEach(function (link) {
      var walker = document.createTreeWalker(link, NodeFilter.SHOW_TEXT);
      var nodes = [];
      while (walker.nextNode()) {
        if (walker.currentNode.nodeValue.indexOf("\\(") >= 0) nodes.push(walker.currentNode);
      }
      nodes.forEach(function (node) {
        var parts = node.nodeValue.split(/\\\((.+?)\\\)/);
        if (parts.length < 3) return;
        var fragment = document.createDocumentFragment();
        parts.forEach(function (part, index) {
          if (index % 2 === 0) {
            fragment.appendChild(document.createTextNode(part));
            return;
          }
          var span = document.createElement("span");
          try {
            katex.render(part, span, { throwOnError: true, output: "html" });
          } catch (error) {
            span.textContent = part;
          }
          fragment.appendChild(span);
        });
        node.parentNode.replaceChild(fragment, node);
      });
    });
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
    renderNavigationMaths(document.body);
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
