/* Collapse the site menu behind a "Menu" button on narrow screens.
   Without JavaScript the menu simply stays open: nothing depends on this file. */
(function () {
  "use strict";
  var toggle = document.querySelector("[data-menu-toggle]");
  var menu = document.getElementById("site-menu");
  if (!toggle || !menu) { return; }
  document.documentElement.classList.add("js-menu");
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") === "true";
    toggle.setAttribute("aria-expanded", open ? "false" : "true");
    menu.classList.toggle("is-open", !open);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.classList.contains("is-open")) {
      toggle.setAttribute("aria-expanded", "false");
      menu.classList.remove("is-open");
      toggle.focus();
    }
  });
}());
