// Click-to-highlight: click an identifier in a section's code (or move to it with the arrow keys and press Enter)
// and every occurrence in that section lights up, with the maths symbol the notes use for it (annotated.js marks
// those symbols as data-ap-sym="<identifier>" when it renders the maths; the links come from tools/symbols.py).
// A second click, a click elsewhere or Escape clears it.
(function () {
  "use strict";

  // Pygments' classes for names: plain, function, class, namespace, builtin, self, magic method, decorator.
  var NAMES = "span.n, span.nf, span.nc, span.nn, span.nb, span.bp, span.fm, span.nd";
  var HIGHLIGHT = "ap-hl";

  function pageData() {
    var element = document.getElementById("ap-page");
    try {
      return element ? JSON.parse(element.textContent) : {};
    } catch (error) {
      return {};
    }
  }

  function clear() {
    document.querySelectorAll("." + HIGHLIGHT).forEach(function (element) { element.classList.remove(HIGHLIGHT); });
  }

  function identifiers(code) {
    return Array.prototype.slice.call(code.querySelectorAll(NAMES));
  }

  // Light up `name` in the section of `token`; the same name again turns it off.
  function toggle(token) {
    var section = token.closest(".ap-section");
    var name = token.textContent;
    var on = token.classList.contains(HIGHLIGHT);
    clear();
    if (on || !section) return;
    section.querySelectorAll(".ap-code " + NAMES.split(", ").join(", .ap-code ")).forEach(function (element) {
      if (element.textContent === name) element.classList.add(HIGHLIGHT);
    });
    section.querySelectorAll(".ap-note [data-ap-sym]").forEach(function (element) {
      if (element.getAttribute("data-ap-sym") === name) element.classList.add(HIGHLIGHT);
    });
  }

  // Keyboard: the code block takes the focus (one tab stop per block), the arrow keys move through its identifiers
  // (a roving tabindex), Enter or Space highlights the one in focus, Escape clears and goes back to the block.
  function onKey(event) {
    var code = event.currentTarget;
    var tokens = identifiers(code);
    var index = tokens.indexOf(document.activeElement);
    var step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    if (step && tokens.length) {
      var next = tokens[index < 0 ? (step > 0 ? 0 : tokens.length - 1)
        : Math.min(tokens.length - 1, Math.max(0, index + step))];
      tokens.forEach(function (token) { token.tabIndex = -1; });
      next.tabIndex = 0;
      next.focus();
      event.preventDefault();
    } else if ((event.key === "Enter" || event.key === " ") && index >= 0) {
      toggle(tokens[index]);
      event.preventDefault();
    } else if (event.key === "Escape") {
      clear();
      code.focus();
    }
  }

  function setUp() {
    var help = pageData().highlight_help || "";
    document.querySelectorAll(".ap-code pre > code").forEach(function (code) {
      if (code.dataset.highlight) return;
      code.dataset.highlight = "true";
      code.tabIndex = 0;
      if (help) code.setAttribute("aria-description", help);
      identifiers(code).forEach(function (token) {
        token.tabIndex = -1;
        token.classList.add("ap-id");
      });
      code.addEventListener("keydown", onKey);
    });
  }

  document.addEventListener("click", function (event) {
    var token = event.target.closest && event.target.closest(".ap-code .ap-id");
    if (token) toggle(token);
    else clear();
  });

  if (typeof document$ !== "undefined") {
    document$.subscribe(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
