// Keyboard shortcuts for the moderation queue. The queue works without them:
// every action is an ordinary form with a button.
document.addEventListener("DOMContentLoaded", () => {
  const items = Array.from(document.querySelectorAll("[data-queue-item]"));
  if (items.length === 0) return;
  let current = 0;

  const select = (index) => {
    current = Math.max(0, Math.min(items.length - 1, index));
    for (const item of items) item.classList.remove("is-current");
    items[current].classList.add("is-current");
    items[current].focus({ preventScroll: false });
  };

  const isTyping = (target) =>
    target instanceof HTMLInputElement && target.type !== "checkbox" ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    target.isContentEditable;

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) return;
    const item = items[current];
    switch (event.key) {
      case "j": select(current + 1); break;
      case "k": select(current - 1); break;
      case "a": case "r": case "s": {
        const button = item.querySelector(`[data-shortcut='${event.key}']`);
        if (button) button.click();
        break;
      }
      case "x": {
        const tick = item.querySelector("[data-tick]");
        if (tick) tick.checked = !tick.checked;
        break;
      }
      default: return;
    }
    event.preventDefault();
  });

  for (const [index, item] of items.entries()) {
    item.addEventListener("focusin", () => {
      current = index;
      for (const other of items) other.classList.toggle("is-current", other === item);
    });
  }
  select(0);
});
