/* The front desk's day and week (workspace/desk*.py). htmx does the work;
   this only moves the reader to the panel a block or a free time opened:
   keyboard and screen-reader users land on its heading, and on a narrow
   screen (the panel sits below the grid) it scrolls into view. */
document.addEventListener("htmx:afterSettle", function (event) {
  var config = event.detail && event.detail.requestConfig;
  var from = config && config.elt;
  if (!from || !from.closest || from.id === "day-grid" || !from.closest("#day-grid")) {
    return;
  }
  var heading = document.querySelector("#panel h2");
  if (!heading) {
    return;
  }
  heading.setAttribute("tabindex", "-1");
  heading.focus({ preventScroll: window.innerWidth > 1000 });
});
