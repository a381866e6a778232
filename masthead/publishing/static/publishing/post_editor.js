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

// "Insert image": a small panel to choose a file (or take one dropped or pasted on the
// text), describe it and upload it; the server answers with the Markdown to insert.
// Its fields have no name, so the post form never sends them; Enter uploads, not saves.
function labelled(labelText, input, id) {
  const wrapper = document.createElement("div");
  wrapper.className = "editor-image-field";
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = labelText;
  input.id = id;
  wrapper.append(label, input);
  return wrapper;
}

function buildImagePanel(body, uploadUrl, csrfToken, announce) {
  const panel = document.createElement("fieldset");
  panel.className = "editor-image-panel";
  panel.id = "editor-image-panel";
  panel.hidden = true;
  const legend = document.createElement("legend");
  legend.textContent = "Insert an image";
  const file = document.createElement("input");
  file.type = "file";
  file.accept = "image/jpeg,image/png,image/gif,image/webp";
  const alt = document.createElement("input");
  alt.type = "text";
  alt.maxLength = 300;
  // Checked here and by the server; not `required`, which would block saving the post.
  alt.setAttribute("aria-required", "true");
  const caption = document.createElement("input");
  caption.type = "text";
  caption.maxLength = 300;
  const credit = document.createElement("input");
  credit.type = "text";
  credit.maxLength = 200;
  const upload = document.createElement("button");
  upload.type = "button";
  upload.className = "button default";
  upload.textContent = "Upload and insert";
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "button";
  cancel.textContent = "Cancel";
  const message = document.createElement("p");
  message.className = "editor-image-message";
  message.setAttribute("role", "alert");
  const actions = document.createElement("div");
  actions.className = "editor-image-actions";
  actions.append(upload, cancel);
  panel.append(
    legend,
    labelled("Image file (JPEG, PNG, GIF or WebP)", file, "editor-image-file"),
    labelled("Alt text (required): what the image shows", alt, "editor-image-alt"),
    labelled("Caption (optional)", caption, "editor-image-caption"),
    labelled("Credit (optional), e.g. Photo: J. Ruiz", credit, "editor-image-credit"),
    actions,
    message,
  );

  let insertAt = null;
  function open(focusOn) {
    if (insertAt === null) insertAt = body.selectionEnd;
    panel.hidden = false;
    message.textContent = "";
    (focusOn || file).focus();
  }
  function close() {
    panel.hidden = true;
    insertAt = null;
    for (const input of [file, alt, caption, credit]) input.value = "";
    message.textContent = "";
  }
  function take(chosen) {
    const transfer = new DataTransfer();
    transfer.items.add(chosen);
    file.files = transfer.files;
    open(alt);
    message.textContent = `“${chosen.name}” is ready: describe it, then press “Upload and insert”.`;
  }
  function insert(markdown) {
    const text = body.value;
    const at = Math.min(insertAt === null ? text.length : insertAt, text.length);
    const before = text.slice(0, at).replace(/\s*$/, "");
    const after = text.slice(at).replace(/^\s*/, "");
    const block = `${before ? "\n\n" : ""}${markdown}\n\n`;
    body.value = before + block + after;
    const caret = before.length + block.length;
    body.setSelectionRange(caret, caret);
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }
  function send() {
    if (!file.files.length) {
      message.textContent = "Choose an image file first.";
      file.focus();
      return;
    }
    if (!alt.value.trim()) {
      message.textContent = "Write the alt text: what the image shows, for readers who cannot see it.";
      alt.focus();
      return;
    }
    const data = new FormData();
    data.append("image", file.files[0]);
    data.append("alt", alt.value);
    data.append("caption", caption.value);
    data.append("credit", credit.value);
    upload.disabled = true;
    message.textContent = "Uploading…";
    fetch(uploadUrl, {
      method: "POST",
      body: data,
      headers: { "X-CSRFToken": csrfToken },
      credentials: "same-origin",
    })
      .then((response) => response.json().then((answer) => ({ ok: response.ok, answer })))
      .then(({ ok, answer }) => {
        if (!ok) {
          message.textContent = answer.error || "The image was not stored.";
          return;
        }
        insert(answer.markdown);
        close();
        announce(`Image inserted: ${answer.markdown}`);
        body.focus();
      })
      .catch(() => {
        message.textContent = "The image could not be sent (too large, or no connection). Nothing was stored.";
      })
      .finally(() => {
        upload.disabled = false;
      });
  }

  upload.addEventListener("click", send);
  // A refusal about the alt text or the file is stale once either changes.
  for (const input of [file, alt]) {
    input.addEventListener("input", () => {
      message.textContent = "";
    });
  }
  cancel.addEventListener("click", () => {
    close();
    body.focus();
  });
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.tagName === "INPUT") {
      event.preventDefault();
      send();
    } else if (event.key === "Escape") {
      close();
      body.focus();
    }
  });
  const imageIn = (transfer) =>
    transfer && [...transfer.files].find((item) => item.type.startsWith("image/"));
  body.addEventListener("dragover", (event) => {
    if (event.dataTransfer && [...event.dataTransfer.types].includes("Files")) event.preventDefault();
  });
  body.addEventListener("drop", (event) => {
    const dropped = imageIn(event.dataTransfer);
    if (!dropped) return;
    event.preventDefault();
    insertAt = body.selectionEnd;
    take(dropped);
  });
  body.addEventListener("paste", (event) => {
    const pasted = imageIn(event.clipboardData);
    if (!pasted) return;
    event.preventDefault();
    insertAt = body.selectionEnd;
    take(pasted);
  });

  const button = document.createElement("button");
  button.type = "button";
  button.className = "button";
  button.textContent = "Insert image";
  button.setAttribute("aria-controls", panel.id);
  button.addEventListener("click", () => (panel.hidden ? open() : close()));
  return { panel, button };
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
  const toolbar = buildToolbar(body);
  editor.prepend(toolbar, toggle);
  editor.append(status, warning);
  if (marker.dataset.imageUrl) {
    const images = buildImagePanel(body, marker.dataset.imageUrl, csrf ? csrf.value : "", (text) => {
      status.textContent = text;
    });
    toolbar.appendChild(images.button);
    toolbar.after(images.panel);
  }

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
