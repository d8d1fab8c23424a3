// Print buttons on record and checklist pages (no inline event handlers in the generated HTML).
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest(".hb-print")) {
    window.print();
  }
});

// A chart wider than its frame (phones) scrolls inside it: say so, next to it.
function hbMarkWideCharts() {
  document.querySelectorAll(".hb-chart").forEach(function (frame) {
    var wide = frame.scrollWidth > frame.clientWidth + 1;
    var hint = frame.previousElementSibling;
    frame.classList.toggle("hb-chart--scrolls", wide);
    if (hint && hint.classList.contains("hb-chart-scroll")) hint.classList.toggle("hb-chart-scroll--shown", wide);
  });
}
document.addEventListener("DOMContentLoaded", hbMarkWideCharts);
window.addEventListener("resize", hbMarkWideCharts);
