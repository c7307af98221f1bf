// The "page not found" page served at the root of the site (GitHub Pages serves the root 404.html for any missing
// address) is the first language's. When the address is under another language's folder, or else the browser
// prefers another language of the site, that language's own 404 page replaces it (the address stays).
(function () {
  "use strict";
  var box = document.querySelector(".ap-not-found");
  if (!box || typeof fetch === "undefined" || typeof DOMParser === "undefined") return;
  var links = Array.prototype.slice.call(box.querySelectorAll(".ap-not-found__languages a[hreflang]"));
  var codes = links.map(function (link) { return link.hreflang; });
  if (!codes.length) return;
  var root = new URL(links[0].href).pathname.replace(/[^/]+\/$/, ""); // the site's base path
  var path = location.pathname.startsWith(root) ? location.pathname.slice(root.length) : "";
  var wanted = path.split("/")[0];
  if (codes.indexOf(wanted) < 0) {
    wanted = (navigator.languages || [navigator.language || ""]).map(function (tag) {
      return String(tag).toLowerCase().split("-")[0];
    }).filter(function (code) { return codes.indexOf(code) >= 0; })[0];
  }
  if (!wanted || wanted === box.dataset.lang) return;
  fetch(root + wanted + "/404.html").then(function (response) {
    if (!response.ok) throw new Error(response.status);
    return response.text();
  }).then(function (text) {
    if (!new DOMParser().parseFromString(text, "text/html").querySelector(".ap-not-found")) return;
    // The whole page, chrome included, at the address the reader asked for (its URLs are absolute).
    document.open();
    document.write(text);
    document.close();
  }).catch(function () { /* the page stays in the first language */ });
})();
