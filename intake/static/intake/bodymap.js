// The intake form's body map (intake/form.html), loaded with defer. Without
// JavaScript the regions are plain checkboxes; with it, the figure ticks them.
(function () {
  "use strict";
  // Tapping a region on the figure ticks the same region's checkbox below.
  function sync(svgRegion) {
    var box = document.querySelector('input[name="' + svgRegion.dataset.input + '"][value="' + svgRegion.dataset.region + '"]');
    svgRegion.classList.toggle("on", !!(box && box.checked));
  }
  document.querySelectorAll(".bodymap .region").forEach(function (region) {
    sync(region);
    region.addEventListener("click", function () {
      var box = document.querySelector('input[name="' + region.dataset.input + '"][value="' + region.dataset.region + '"]');
      if (!box) return;
      box.checked = !box.checked;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    });
  });
  document.querySelectorAll('.region-list input[type="checkbox"]').forEach(function (box) {
    box.addEventListener("change", function () {
      document.querySelectorAll('.bodymap .region[data-region="' + box.value + '"]').forEach(sync);
    });
  });
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
