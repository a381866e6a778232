// The writing view: EasyMDE on the body, rich-text paste turned into Markdown (turndown),
// pictures dropped or pasted through the BodyImage pipeline, the preview frame kept up
// with the text, and the side panel. A static file under the Content-Security-Policy;
// without it the page is a plain form that saves.
(function () {
  "use strict";

  const form = document.getElementById("post-form");
  if (!form) return;
  const body = document.getElementById("id_body");
  const title = document.getElementById("id_title");
  const summary = document.getElementById("id_summary");
  const status = document.getElementById("autosave-status");
  const frame = document.getElementById("preview-frame");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  // --- rich text from Word or Google Docs, as Markdown ------------------------------------
  function makeConverter() {
    const service = new TurndownService({
      headingStyle: "atx", bulletListMarker: "-", codeBlockStyle: "fenced", emDelimiter: "*",
    });
    service.use(turndownPluginGfm.gfm);
    service.remove(["style", "script", "meta", "title", "link"]);
    // Google Docs wraps a whole copied passage in a bold element that is not bold.
    service.addRule("docsWrapper", {
      filter: (node) => node.nodeName === "B" && (node.id || "").startsWith("docs-internal-guid"),
      replacement: (content) => content,
    });
    // Google Docs marks emphasis by inline style rather than by element.
    service.addRule("styledBold", {
      filter: (node) => node.nodeName === "SPAN" && /font-weight:\s*(700|bold)/.test(node.getAttribute("data-style") || ""),
      replacement: (content) => (content.trim() ? `**${content.trim()}**` : content),
    });
    service.addRule("styledItalic", {
      filter: (node) => node.nodeName === "SPAN" && /font-style:\s*italic/.test(node.getAttribute("data-style") || ""),
      replacement: (content) => (content.trim() ? `*${content.trim()}*` : content),
    });
    // Footnotes: Word links "#_ftn1" / "#_ftnref1", Google Docs "#ftnt1" / "#ftnt_ref1".
    service.addRule("footnoteReference", {
      filter: (node) => node.nodeName === "A" && /#_?ftnt?(\d+)$/.test(node.getAttribute("href") || ""),
      replacement: (_content, node) => `[^${node.getAttribute("href").match(/(\d+)$/)[1]}]`,
    });
    service.addRule("footnoteBack", {
      filter: (node) => node.nodeName === "A" && /#_?ftnt?_?ref(\d+)$/.test(node.getAttribute("href") || ""),
      replacement: (_content, node) => `[^${node.getAttribute("href").match(/(\d+)$/)[1]}]: `,
    });
    // Word's empty paragraph markers.
    service.addRule("officeMarkup", {
      filter: (node) => /^O:/.test(node.nodeName),
      replacement: () => "",
    });
    return service;
  }

  function htmlToMarkdown(html) {
    // Parsed as it comes, the clipboard's style sheets and style attributes would meet the
    // page's Content-Security-Policy (and be reported as violations); only their words matter.
    const inert = html
      .replace(/<style[\s\S]*?<\/style\s*>/gi, "")
      .replace(/(<[^>]*\s)style\s*=/gi, "$1data-style=");
    const markdown = makeConverter().turndown(inert);
    // A footnote line sits inside the paragraph after its "[^1]: " marker: keep it at the
    // start of its own line, and superscript wrappers out of the way.
    return markdown
      .replace(/\^?\[\^(\d+)\]\^?/g, "[^$1]")
      .replace(/([^\s])[ \t]+\[\^(\d+)\](?!:)/g, "$1[^$2]")
      .replace(/^\[\^(\d+)\]:\s+/gm, "[^$1]: ")
      // turndown pads list markers to four columns; one space reads better in the source.
      .replace(/^(\s*)([-*+]|\d+\.)[ \t]{2,}/gm, "$1$2 ")
      .replace(/\n{3,}/g, "\n\n")
      .trim();
  }
  window.deskHtmlToMarkdown = htmlToMarkdown;

  // --- pictures through the BodyImage pipeline ------------------------------------------
  // EasyMDE hands over each dropped or pasted file; the server stores it (or says why not)
  // and answers with the Markdown that shows it, inserted where the cursor is.
  function tell(text) {
    status.textContent = text;
  }

  function uploadPicture(file) {
    if (!form.dataset.uploadUrl && !form.dataset.newUrl) {
      tell("Pictures cannot be added to this post now.");
      return;
    }
    const alt = window.prompt(`Describe “${file.name}” for readers who cannot see it:`, "");
    if (!alt || !alt.trim()) {
      tell("Picture not added: it needs a description (its alt text).");
      return;
    }
    const data = new FormData();
    data.append("image", file);
    data.append("alt", alt.trim());
    tell(`Uploading ${file.name}…`);
    // A new post's pictures wait for its draft, which the first autosave makes.
    whenSaved()
      .then(() => fetch(form.dataset.uploadUrl, {
        method: "POST", body: data, headers: { "X-CSRFToken": csrf }, credentials: "same-origin",
      }))
      .then((response) => response.json().then((answer) => ({ ok: response.ok, answer })))
      .then(({ ok, answer }) => {
        if (!ok) throw new Error(answer.error || "the picture was refused");
        editor.codemirror.replaceSelection(answer.markdown);
        tell(`${file.name} added.`);
      })
      .catch((error) => tell(`Picture not added: ${error.message}`));
  }

  // --- the editor --------------------------------------------------------------------------
  function insertFootnote(editor) {
    const cm = editor.codemirror;
    const used = [...cm.getValue().matchAll(/\[\^(\d+)\]/g)].map((found) => Number(found[1]));
    const number = used.length ? Math.max(...used) + 1 : 1;
    cm.replaceSelection(`[^${number}]`);
    const last = cm.lastLine();
    cm.replaceRange(`\n\n[^${number}]: `, { line: last, ch: cm.getLine(last).length });
    cm.setCursor(cm.lastLine(), cm.getLine(cm.lastLine()).length);
    cm.focus();
  }

  const tool = (name, action, label, shortcut) => ({
    name, action, text: label, title: shortcut ? `${label} (${shortcut})` : label, className: `desk-tool desk-tool--${name}`,
  });
  let editor = null;
  if (window.EasyMDE && body) {
    editor = new EasyMDE({
      element: body,
      autoDownloadFontAwesome: false,
      spellChecker: false,
      nativeSpellcheck: true,
      forceSync: true,
      status: false,
      minHeight: "24rem",
      uploadImage: true,
      imageUploadFunction: uploadPicture,
      toolbar: [
        tool("bold", EasyMDE.toggleBold, "Bold", "Ctrl-B"),
        tool("italic", EasyMDE.toggleItalic, "Italic", "Ctrl-I"),
        tool("heading", EasyMDE.toggleHeading2, "Heading", "Ctrl-H"),
        tool("link", EasyMDE.drawLink, "Link", "Ctrl-K"),
        tool("unordered-list", EasyMDE.toggleUnorderedList, "List", "Ctrl-L"),
        tool("ordered-list", EasyMDE.toggleOrderedList, "Numbered", "Ctrl-Alt-L"),
        tool("quote", EasyMDE.toggleBlockquote, "Quote", "Ctrl-'"),
        tool("footnote", insertFootnote, "Footnote", "Ctrl-Alt-F"),
        tool("upload-image", EasyMDE.drawUploadedImage, "Picture", ""),
      ],
      shortcuts: { toggleHeading2: "Cmd-H", toggleHeadingSmaller: null },
    });
    const cm = editor.codemirror;
    cm.addKeyMap({ "Ctrl-Alt-F": () => insertFootnote(editor), "Cmd-Alt-F": () => insertFootnote(editor) });
    // The CodeMirror text area has no label of its own: it takes the body's.
    const input = cm.getInputField();
    input.setAttribute("aria-label", "Body (Markdown)");
    const toolbar = editor.gui.toolbar;
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", "Formatting");
    // EasyMDE keeps its buttons out of the Tab order and Tab inside the text: both would
    // leave someone on a keyboard stuck. Tab moves on; the buttons are in the order.
    for (const button of toolbar.querySelectorAll("button")) {
      button.setAttribute("aria-label", button.title);
      button.tabIndex = 0;
    }
    cm.setOption("extraKeys", { ...cm.getOption("extraKeys"), Tab: false, "Shift-Tab": false });
    cm.on("paste", (_cm, event) => {
      const data = event.clipboardData;
      if (!data || [...data.items].some((item) => item.kind === "file")) return;
      const html = data.getData("text/html");
      if (!html) return;
      event.preventDefault();
      cm.replaceSelection(htmlToMarkdown(html));
    });
    window.deskEditor = editor;
  }

  // --- autosave, and the preview kept up with the text ------------------------------------
  let inFlight = false;
  let pending = false;
  let wordsText = "";

  function bodyText() {
    return editor ? editor.value() : body.value;
  }

  // The latest text the server rendered: a frame that finishes loading after it arrived
  // (slow network, or hidden on a phone) is brought up to date once it has loaded.
  let lastAnswer = null;
  if (frame) frame.addEventListener("load", () => lastAnswer && showPreview(lastAnswer));

  function showPreview(answer) {
    lastAnswer = answer;
    if (!frame || !frame.contentDocument) return;
    const page = frame.contentDocument;
    const article = page.querySelector(".post__body");
    if (article) article.innerHTML = answer.preview_html;
    const heading = page.getElementById("post-title");
    if (heading) heading.textContent = title.value;
    frame.dataset.shownAt = String(performance.now());
    frame.dispatchEvent(new CustomEvent("preview-updated"));
  }

  // A new post becomes a draft at its first autosave; from then on the page is that
  // post's writing view (its address, preview, pictures, history), without a reload.
  const waitingForDraft = [];
  function whenSaved() {
    if (form.dataset.uploadUrl) return Promise.resolve();
    return new Promise((resolve, reject) => {
      waitingForDraft.push({ resolve, reject });
      send();
    });
  }

  function adopt(post) {
    form.dataset.autosaveUrl = post.autosave_url;
    form.dataset.uploadUrl = post.upload_url;
    form.dataset.baseRevision = String(post.revision);
    delete form.dataset.newUrl;
    form.action = post.write_url;
    window.history.replaceState(null, "", post.write_url);
    const history = document.getElementById("history-link");
    if (history) {
      history.href = post.history_url;
      history.hidden = false;
    }
    const hint = document.getElementById("new-post-hint");
    if (hint) hint.remove();
    const save = document.querySelector("button[form=post-form]");
    if (save) save.textContent = "Save";
    if (frame) {
      frame.src = post.preview_url;
      frame.hidden = false;
    }
    const empty = document.getElementById("preview-empty");
    if (empty) empty.remove();
    const state = document.getElementById("post-state");
    if (state) {
      state.textContent = "Draft";
      state.className = "status-badge status-badge--draft";
    }
    for (const waiting of waitingForDraft.splice(0)) waiting.resolve();
  }

  function send() {
    const creating = !form.dataset.autosaveUrl;
    const url = creating ? form.dataset.newUrl : form.dataset.autosaveUrl;
    if (!url) return;
    if (inFlight) {
      pending = true;
      return;
    }
    inFlight = true;
    pending = false;
    const data = new FormData();
    data.append("title", title.value);
    data.append("summary", summary.value);
    data.append("body", bodyText());
    if (creating) {
      data.append("new_key", document.getElementById("new-key").value);
      data.append("blog", document.getElementById("id_blog").value);
    } else {
      data.append("base_revision", form.dataset.baseRevision);
    }
    fetch(url, { method: "POST", body: data, headers: { "X-CSRFToken": csrf }, credentials: "same-origin" })
      .then((response) => response.json())
      .then((answer) => {
        if (answer.error) throw new Error(answer.error);
        if (answer.post) adopt(answer.post);
        showPreview(answer);
        wordsText = answer.words ? ` · ${answer.words} words, ${answer.minutes} min read` : "";
        let text = `Kept at ${answer.saved_at}${wordsText}`;
        if (answer.others.length) text += ` · also editing: ${answer.others.join(", ")}`;
        if (answer.saved_meanwhile) text += " · someone saved a newer version: compare before saving";
        status.textContent = text;
      })
      .catch((error) => {
        status.textContent = `Not kept: ${error.message}. Your text is still here.`;
        for (const waiting of waitingForDraft.splice(0)) waiting.reject(error);
      })
      .finally(() => {
        inFlight = false;
        if (pending) send();
      });
  }

  if (editor) editor.codemirror.on("change", send);
  else if (body) body.addEventListener("input", send);
  title.addEventListener("input", send);
  summary.addEventListener("input", send);

  // The preview follows the source's scroll position, roughly (by fraction of the height).
  if (editor && frame) {
    const follow = () => {
      const info = editor.codemirror.getScrollInfo();
      const scroller = document.scrollingElement;
      const fromPage = scroller.scrollTop / Math.max(1, scroller.scrollHeight - scroller.clientHeight);
      const fromEditor = info.top / Math.max(1, info.height - info.clientHeight);
      const fraction = info.height > info.clientHeight + 4 ? fromEditor : fromPage;
      const view = frame.contentWindow;
      if (!view || !view.document.scrollingElement) return;
      const target = view.document.scrollingElement;
      view.scrollTo(0, fraction * (target.scrollHeight - view.innerHeight));
    };
    editor.codemirror.on("scroll", follow);
    window.addEventListener("scroll", follow, { passive: true });
  }

  // --- unsaved text from an earlier visit: load it into the editor, or discard it -------
  // The editor and the preview show the saved text until the writer chooses; loading puts
  // the unsaved text in the editor, and the preview follows what the editor holds.
  const offer = document.getElementById("unsaved-offer");
  const load = document.getElementById("unsaved-load");
  if (offer && load && editor) {
    const unsaved = JSON.parse(document.getElementById("unsaved-text").textContent);
    load.hidden = false;
    load.addEventListener("click", () => {
      // The loaded words were typed over this revision: a newer save is then reported.
      form.dataset.baseRevision = String(unsaved.base_revision);
      title.value = unsaved.title;
      summary.value = unsaved.summary;
      title.dispatchEvent(new Event("input"));
      summary.dispatchEvent(new Event("input"));
      editor.value(unsaved.body);
      offer.remove();
      tell("The unsaved text is in the editor; “Save” keeps it.");
      editor.codemirror.focus();
    });
  }

  // --- the phone's preview toggle ---------------------------------------------------------
  const previewToggle = document.getElementById("preview-toggle");
  if (previewToggle) {
    previewToggle.addEventListener("click", () => {
      const showing = document.body.classList.toggle("desk-write--previewing");
      previewToggle.setAttribute("aria-pressed", String(showing));
    });
  }

  // --- the side panel ----------------------------------------------------------------------
  const panel = document.getElementById("settings-panel");
  const opener = document.getElementById("settings-toggle");
  const closer = document.getElementById("settings-close");
  function setPanel(open) {
    panel.hidden = !open;
    opener.setAttribute("aria-expanded", String(open));
    document.body.classList.toggle("desk-write--settings", open);
    if (open) panel.querySelector("select, input, textarea").focus();
    else opener.focus();
  }
  opener.addEventListener("click", () => setPanel(panel.hidden));
  closer.addEventListener("click", () => setPanel(false));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden) setPanel(false);
  });
  // A field with an error is in the panel: open it so the writer sees why.
  if (panel.querySelector(".field-error")) setPanel(true);

  // Authors and topics, several in one field: a combobox asks the desk for up to ten names
  // matching the last one typed (Arrow keys move, Enter picks, Escape closes).
  for (const input of panel.querySelectorAll("input[data-suggest]")) {
    const list = document.getElementById(input.getAttribute("aria-controls"));
    let active = -1;
    let asked = 0;
    let timer = null;
    const options = () => [...list.querySelectorAll("[role=option]")];
    const parts = () => {
      const all = input.value.split(",");
      const typed = all.pop().trim();
      return { before: all.map((part) => part.trim()).filter(Boolean), typed };
    };
    function close() {
      list.hidden = true;
      list.replaceChildren();
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      const all = options();
      active = index;
      all.forEach((option, at) => option.setAttribute("aria-selected", String(at === index)));
      if (all[index]) {
        input.setAttribute("aria-activedescendant", all[index].id);
        all[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function pick(name) {
      const { before } = parts();
      input.value = [...before, name].join(", ") + ", ";
      close();
      input.focus();
      input.dispatchEvent(new Event("change"));
    }
    function show(names) {
      const { before } = parts();
      const fresh = names.filter((name) => !before.includes(name));
      list.replaceChildren(...fresh.map((name, index) => {
        const option = document.createElement("li");
        option.id = `${list.id}-${index}`;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = name;
        // mousedown, not click: the input keeps its focus.
        option.addEventListener("mousedown", (event) => {
          event.preventDefault();
          pick(name);
        });
        return option;
      }));
      list.hidden = !fresh.length;
      input.setAttribute("aria-expanded", String(fresh.length > 0));
      active = -1;
    }
    function ask() {
      const { typed } = parts();
      const number = ++asked;
      const url = `${form.dataset.namesUrl}?kind=${input.dataset.suggest}&q=${encodeURIComponent(typed)}`;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => response.json())
        // An answer to an older question (slower than a later one) is not shown.
        .then((answer) => { if (number === asked && answer.names) show(answer.names); })
        .catch(() => close());
    }
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(ask, 120);
    });
    input.addEventListener("keydown", (event) => {
      const all = options();
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) ask();
        else highlight(Math.min(all.length - 1, active + 1));
      } else if (event.key === "ArrowUp" && !list.hidden) {
        event.preventDefault();
        highlight(Math.max(0, active - 1));
      } else if (event.key === "Enter" && !list.hidden && all[active]) {
        event.preventDefault();
        pick(all[active].textContent);
      } else if (event.key === "Escape" && !list.hidden) {
        // Closes the suggestions only; a second Escape closes the panel.
        event.stopPropagation();
        close();
      }
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
  }

  // Summary: its length, and the body's first sentences as a suggestion.
  const count = document.getElementById("summary-count");
  const cardTitle = document.getElementById("card-title");
  const cardSummary = document.getElementById("card-summary");
  function summaryChanged() {
    count.textContent = `${summary.value.length} characters.`;
    cardSummary.textContent = summary.value;
  }
  summary.addEventListener("input", summaryChanged);
  summaryChanged();
  title.addEventListener("input", () => { cardTitle.textContent = title.value; });
  const suggestion = document.getElementById("use-suggestion");
  if (suggestion) {
    suggestion.addEventListener("click", () => {
      summary.value = suggestion.dataset.suggestion;
      summary.dispatchEvent(new Event("input"));
      summary.focus();
    });
  }

  // The address the post will have, from its blog and slug.
  const slugs = JSON.parse(document.getElementById("blog-slugs").textContent);
  const slug = document.getElementById("id_slug");
  const blog = document.getElementById("id_blog");
  const address = document.getElementById("post-address");
  function addressChanged() {
    const made = (slug.value || title.value).toLowerCase().normalize("NFKD")
      .replace(/[^\w\s-]/g, "").trim().replace(/[\s_-]+/g, "-");
    address.textContent = `${form.dataset.siteUrl}/${slugs[blog.value] || ""}/${made}/`;
  }
  for (const field of [slug, blog, title]) field.addEventListener("input", addressChanged);
  blog.addEventListener("change", addressChanged);
  addressChanged();

  // The focal point: a click on the thumbnail sets it; the mark shows where it is.
  const picker = document.getElementById("focus-picker");
  if (picker) {
    const across = document.getElementById("id_image_focus_x");
    const down = document.getElementById("id_image_focus_y");
    const mark = picker.querySelector(".focus-picker__mark");
    const card = document.querySelector(".social-card__image");
    const place = () => {
      mark.style.left = `${Number(across.value) * 100}%`;
      mark.style.top = `${Number(down.value) * 100}%`;
      // The card crops the picture as listings and shared links do: around the focal point.
      if (card) card.style.objectPosition = `${Number(across.value) * 100}% ${Number(down.value) * 100}%`;
    };
    picker.querySelector("img").addEventListener("click", (event) => {
      const box = event.target.getBoundingClientRect();
      across.value = ((event.clientX - box.left) / box.width).toFixed(2);
      down.value = ((event.clientY - box.top) / box.height).toFixed(2);
      place();
    });
    across.addEventListener("input", place);
    down.addEventListener("input", place);
    place();
  }
})();
