// Print buttons on record and checklist pages (no inline event handlers in the generated HTML).
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest(".hb-print")) {
    window.print();
  }
});
