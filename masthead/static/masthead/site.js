// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-action='print']")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
  // A second click while the first send is on its way would only be answered
  // "we already have this comment": keep the button from sending twice.
  for (const form of document.querySelectorAll("form.comment-form")) {
    form.addEventListener("submit", () => {
      const button = form.querySelector("button[type='submit']");
      if (button) window.setTimeout(() => { button.disabled = true; }, 0);
    });
  }
});
