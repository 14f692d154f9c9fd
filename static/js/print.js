// The "Print" buttons of the dashboard and the overdue list (no inline script: CSP).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
