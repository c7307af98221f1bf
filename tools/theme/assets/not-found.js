// The "page not found" page served at the root of the site (GitHub Pages serves the root 404.html for any missing
// address) is the first language's. When the address is under another language's folder, or else the browser
// prefers another language of the site, that language's own 404 page replaces it (the address stays).
(function () {
  "use strict";
  // Sent here from the root 404 page: show the address the reader asked for, not this page's own.
  var from = new URLSearchParams(location.search).get("from");
  if (from && from.charAt(0) === "/" && from.charAt(1) !== "/") {
    try { history.replaceState(null, "", from); } catch (error) { /* another origin: keep this address */ }
  }
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
  var target = root + wanted + "/404.html";
  fetch(target).then(function (response) {
    if (!response.ok) throw new Error(response.status);
    return response.text();
  }).then(function (text) {
    if (!new DOMParser().parseFromString(text, "text/html").querySelector(".ap-not-found")) return;
    // A real load of that language's page (writing it over this one left the theme's listeners on stale
    // elements); it puts the reader's address back (its URLs are absolute).
    location.replace(target + "?from=" + encodeURIComponent(location.pathname + location.search + location.hash));
  }).catch(function () { /* the page stays in the first language */ });
})();
