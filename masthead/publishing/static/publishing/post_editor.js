// The post form's helpers: live preview, word count, autosave, and word of other editors.
// A static file (the Content-Security-Policy allows no inline script); without it the
// form works as a plain form.
// Markdown the toolbar writes: [label, text before, text after, where].
// "inline" wraps the selection; "line" starts the selection's line; "footnote" numbers one.
const FORMATS = [
  ["Heading", "## ", "", "line"],
  ["Bold", "**", "**", "inline"],
  ["Italic", "*", "*", "inline"],
  ["Link", "[", "](https://)", "inline"],
  ["List", "- ", "", "line"],
  ["Numbered list", "1. ", "", "line"],
  ["Quote", "> ", "", "line"],
  ["Footnote", "", "", "footnote"],
];

function applyFormat(body, before, after, where) {
  const start = body.selectionStart;
  const end = body.selectionEnd;
  const text = body.value;
  if (where === "line") {
    const lineStart = text.lastIndexOf("\n", start - 1) + 1;
    body.setRangeText(before, lineStart, lineStart, "end");
  } else if (where === "footnote") {
    const used = [...text.matchAll(/\[\^(\d+)\]/g)].map((match) => Number(match[1]));
    const number = used.length ? Math.max(...used) + 1 : 1;
    body.setRangeText(`[^${number}]`, end, end, "end");
    body.value = `${body.value.replace(/\s*$/, "")}\n\n[^${number}]: `;
    body.setSelectionRange(body.value.length, body.value.length);
  } else {
    body.setRangeText(before + text.slice(start, end) + after, start, end, "end");
    body.setSelectionRange(start + before.length, end + before.length);
  }
  body.focus();
  body.dispatchEvent(new Event("input", { bubbles: true }));
}

function buildToolbar(body) {
  const toolbar = document.createElement("div");
  toolbar.className = "editor-toolbar";
  toolbar.setAttribute("role", "toolbar");
  toolbar.setAttribute("aria-label", "Formatting (Markdown)");
  for (const [label, before, after, where] of FORMATS) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = label;
    button.addEventListener("click", () => applyFormat(body, before, after, where));
    toolbar.appendChild(button);
  }
  return toolbar;
}

// The admin loads this in the page's head, so it waits for the form to exist.
function startPostEditor() {
  "use strict";
  const marker = document.getElementById("post-editor");
  const body = document.getElementById("id_body");
  const form = body && body.form;
  if (!marker || !form) return;
  const url = marker.dataset.autosaveUrl;
  const field = (name) => form.elements.namedItem(name);
  const csrf = field("csrfmiddlewaretoken");

  // Layout: the textarea and the preview side by side, with a toggle for narrow screens.
  // One block in the admin's flex row of label and field, holding all the parts below.
  const editor = document.createElement("div");
  editor.className = "post-editor";
  const row = document.createElement("div");
  row.className = "editor-row";
  const textSide = document.createElement("div");
  textSide.className = "editor-text";
  body.parentNode.insertBefore(editor, body);
  editor.appendChild(row);
  textSide.appendChild(body);
  const preview = document.createElement("section");
  preview.className = "editor-preview";
  preview.setAttribute("aria-label", "Preview");
  row.append(textSide, preview);

  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "button editor-toggle";
  toggle.setAttribute("aria-pressed", "false");
  toggle.textContent = "Show preview";
  toggle.addEventListener("click", () => {
    const showing = row.classList.toggle("showing-preview");
    toggle.setAttribute("aria-pressed", String(showing));
    toggle.textContent = showing ? "Show text" : "Show preview";
  });
  const status = document.createElement("p");
  status.className = "editor-status";
  status.setAttribute("role", "status");
  const warning = document.createElement("p");
  warning.className = "editor-status editor-warning";
  warning.setAttribute("role", "alert");
  editor.prepend(buildToolbar(body), toggle);
  editor.append(status, warning);

  let lastSent = null;
  let timer = null;

  function send() {
    const data = new FormData();
    for (const name of ["title", "summary", "body", "base_revision"]) {
      const input = field(name);
      if (input) data.append(name, input.value);
    }
    const snapshot = [data.get("title"), data.get("summary"), data.get("body")].join("\u0000");
    const changed = snapshot !== lastSent;
    lastSent = snapshot;
    return fetch(url, {
      method: "POST",
      body: data,
      headers: { "X-CSRFToken": csrf ? csrf.value : "" },
      credentials: "same-origin",
    })
      .then((response) => response.ok ? response.json() : Promise.reject(response.status))
      .then((answer) => {
        preview.innerHTML = answer.preview_html; // sanitised by the server's body pipeline
        const read = answer.words ? ` · ${answer.minutes} min read` : "";
        status.textContent = `${answer.words} words${read} · ${changed ? "kept" : "checked"} at ${answer.saved_at}`;
        const notes = [];
        if (answer.others.length) notes.push(`Also editing this post now: ${answer.others.join(", ")}.`);
        if (answer.saved_meanwhile) {
          notes.push("Someone saved this post after you opened it: your Save will be refused until you compare.");
        }
        warning.textContent = notes.join(" ");
      })
      .catch(() => {
        status.textContent = "Could not keep your text just now; it is still in the form.";
      });
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(send, 800);
  }
  for (const name of ["title", "summary", "body"]) {
    const input = field(name);
    if (input) input.addEventListener("input", soon);
  }
  // Also every 15 seconds, so others see who is here even while nobody types.
  setInterval(send, 15000);
  send();

  const restore = document.getElementById("restore-unsaved");
  if (restore) {
    restore.addEventListener("click", () => {
      body.value = document.getElementById("unsaved-body-text").value;
      const title = field("title");
      if (title) title.value = document.getElementById("unsaved-title-text").value;
      restore.closest("section").hidden = true;
      send();
      body.focus();
    });
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", startPostEditor);
} else {
  startPostEditor();
}
