// crossbrief web app: citations that reveal their supporting sentence, and keyboard navigation.
// A static file because the Content-Security-Policy allows no inline script. It reads the page,
// never writes article-derived text as HTML (only classes and focus change).
(function () {
  "use strict";

  function supportOf(link) {
    var id = link.getAttribute("data-support");
    return id ? document.getElementById(id) : null;
  }

  // Citations: a click toggles the cited outlet's sentence; hovering shows it while over it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.cite") : null;
    if (!link) return;
    var box = supportOf(link);
    if (!box) return;
    event.preventDefault();
    // A click pins the sentence open (hovering may have opened it already); a second click closes it.
    var pin = !box.dataset.pinned;
    box.dataset.pinned = pin ? "1" : "";
    box.classList.toggle("open", pin);
    link.setAttribute("aria-expanded", pin ? "true" : "false");
  });
  document.addEventListener("mouseover", function (event) {
    var link = event.target.closest ? event.target.closest("a.cite") : null;
    var box = link && supportOf(link);
    if (box) box.classList.add("open");
  });
  document.addEventListener("mouseout", function (event) {
    var link = event.target.closest ? event.target.closest("a.cite") : null;
    var box = link && supportOf(link);
    if (box && !box.dataset.pinned) box.classList.remove("open");
  });

  // Keyboard: j/k move between stories (or summary sentences), o or Enter opens, / searches.
  function items() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-nav=list] > .story"));
  }
  function move(step) {
    var list = items();
    if (!list.length) return;
    var at = list.findIndex(function (el) { return el.classList.contains("current"); });
    var next = Math.max(0, Math.min(list.length - 1, at < 0 ? 0 : at + step));
    if (at >= 0) list[at].classList.remove("current");
    list[next].classList.add("current");
    list[next].scrollIntoView({ block: "nearest" });
    var link = list[next].querySelector("a");
    if (link) link.focus({ preventScroll: true });
  }
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "j") { move(1); event.preventDefault(); }
    else if (event.key === "k") { move(-1); event.preventDefault(); }
    else if (event.key === "o") {
      var current = document.querySelector("[data-nav=list] > .story.current");
      var href = current && current.getAttribute("data-href");
      if (href && href.charAt(0) === "/") { window.location.assign(href); event.preventDefault(); }
    } else if (event.key === "/") {
      var box = document.querySelector("input[type=search]");
      if (box) { box.focus(); event.preventDefault(); }
    }
  });
})();
