// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-action='print']")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
