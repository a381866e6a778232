// The Cite dialog and the Copy buttons. Without this file the Cite link opens
// the cite page, which holds the same references and downloads.
(() => {
  "use strict";

  const FOCUSABLE =
    'a[href], button:not([disabled]):not([hidden]), input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])';

  function plainAndRich(entry) {
    return { text: entry.dataset.plainText || entry.textContent.trim(), html: entry.innerHTML };
  }

  async function copyEntry(entry, status) {
    const { text, html } = plainAndRich(entry);
    try {
      if (window.ClipboardItem && navigator.clipboard && navigator.clipboard.write) {
        await navigator.clipboard.write([
          new ClipboardItem({
            "text/html": new Blob([html], { type: "text/html" }),
            "text/plain": new Blob([text], { type: "text/plain" }),
          }),
        ]);
      } else {
        await navigator.clipboard.writeText(text);
      }
      status.textContent = "Copied.";
    } catch (error) {
      // No clipboard permission: select the text so the reader can copy it by hand.
      const range = document.createRange();
      range.selectNodeContents(entry);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      status.textContent = "Selected: press Ctrl+C (⌘C) to copy.";
    }
  }

  function visibleEntry(scope) {
    for (const reference of scope.querySelectorAll("[data-cite-reference]")) {
      if (!reference.hidden) return reference.querySelector("[data-cite-entry]");
    }
    return scope.querySelector("[data-cite-entry]");
  }

  function setUpCopyButtons() {
    for (const button of document.querySelectorAll("[data-cite-copy]")) {
      button.hidden = false;
      button.addEventListener("click", () => {
        const scope = button.closest("dialog") || button.parentElement.parentElement;
        const inDialog = Boolean(button.closest("dialog"));
        const entry = inDialog ? visibleEntry(scope) : findPrecedingEntry(button);
        const status = button.parentElement.querySelector("[data-cite-status]");
        if (entry && status) copyEntry(entry, status);
      });
    }
  }

  function findPrecedingEntry(button) {
    let node = button.parentElement.previousElementSibling;
    while (node && !node.matches("[data-cite-entry]")) node = node.previousElementSibling;
    return node;
  }

  function setUpStyleChooser(dialog) {
    for (const radio of dialog.querySelectorAll("[data-cite-style]")) {
      radio.addEventListener("change", () => {
        for (const reference of dialog.querySelectorAll("[data-cite-reference]")) {
          reference.hidden = reference.dataset.citeReference !== radio.value;
        }
        const status = dialog.querySelector("[data-cite-status]");
        if (status) status.textContent = "";
      });
    }
  }

  function trapFocus(dialog, event) {
    if (event.key !== "Tab") return;
    const focusable = [...dialog.querySelectorAll(FOCUSABLE)].filter(
      (el) => el.offsetParent !== null || el === document.activeElement,
    );
    if (focusable.length === 0) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  function setUpDialog(link) {
    const dialog = document.getElementById(link.dataset.citeDialog);
    if (!dialog || typeof dialog.showModal !== "function") return; // keep the plain link
    let opener = null;
    setUpStyleChooser(dialog);
    link.addEventListener("click", (event) => {
      event.preventDefault();
      opener = link;
      dialog.showModal();
      const checked = dialog.querySelector("[data-cite-style]:checked");
      (checked || dialog.querySelector(FOCUSABLE)).focus();
    });
    dialog.addEventListener("keydown", (event) => trapFocus(dialog, event));
    dialog.querySelector("[data-cite-close]").addEventListener("click", () => dialog.close());
    // A click on the backdrop (outside the inner box) closes too.
    dialog.addEventListener("click", (event) => {
      if (event.target === dialog) dialog.close();
    });
    // Escape closes natively; every way of closing gives focus back to the Cite link.
    dialog.addEventListener("close", () => {
      if (opener) opener.focus();
    });
  }

  function setUpStyleSearch() {
    const input = document.querySelector("[data-style-search]");
    const list = input && document.getElementById(input.getAttribute("list"));
    if (!input || !list) return;
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        if (input.value.trim().length < 2) return;
        const url = `${input.dataset.styleSearch}?q=${encodeURIComponent(input.value.trim())}`;
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (!response.ok) return;
        const { styles } = await response.json();
        list.replaceChildren(
          ...styles.map((style) => {
            const option = document.createElement("option");
            option.value = style.title;
            option.label = style.id;
            return option;
          }),
        );
      }, 200);
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const link of document.querySelectorAll("[data-cite-dialog]")) setUpDialog(link);
    setUpCopyButtons();
    setUpStyleSearch();
  });
})();
