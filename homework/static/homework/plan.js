// The plan page's "Print this plan" button (no inline onclick: the
// Content-Security-Policy allows only scripts from our static files).
(function () {
  "use strict";
  document.querySelectorAll("[data-print-plan]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
    button.closest(".print-plan").hidden = false;
  });
})();
