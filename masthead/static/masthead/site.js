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
  keepCommentDrafts();
});

// The comment being written stays in this browser until the site says it has it
// (its status page, or "we already have this comment"). After an error page (a
// server restarting, the database away) going back or reloading brings the text
// back, with the form's own timestamp: sent again, it is the same form, which the
// site recognises as the same comment if the first copy did arrive.
const DRAFT_FIELDS = ["author_name", "email", "body", "started", "parent", "notify_on_publish"];
const draftKey = (action) => "masthead:comment-draft:" + action;

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage switched off: the form works as before
  }
}

function keepCommentDrafts() {
  const store = storage();
  if (!store) return;
  const received = document.querySelector("[data-comment-received]");
  if (received) store.removeItem(draftKey(received.dataset.commentReceived));
  for (const form of document.querySelectorAll("form.comment-form")) {
    const key = draftKey(form.getAttribute("action"));
    restoreDraft(form, store, key);
    const save = () => {
      const draft = {};
      for (const name of DRAFT_FIELDS) {
        const field = form.elements[name];
        if (field) draft[name] = field.type === "checkbox" ? field.checked : field.value;
      }
      try {
        if (draft.body && draft.body.trim()) store.setItem(key, JSON.stringify(draft));
      } catch {
        // full or refused: nothing kept, nothing lost from the form itself
      }
    };
    form.addEventListener("input", save);
    form.addEventListener("submit", save);
  }
}

function restoreDraft(form, store, key) {
  let draft;
  try {
    draft = JSON.parse(store.getItem(key) || "null");
  } catch {
    return;
  }
  const body = form.elements.body;
  // Only into an empty form for the same comment (a reply keeps its own parent);
  // a form the site sent back with the text in it is left as it is.
  if (!draft || !body || body.value.trim()) return;
  if ((form.elements.parent ? form.elements.parent.value : "") !== (draft.parent || "")) return;
  for (const name of DRAFT_FIELDS) {
    const field = form.elements[name];
    if (!field || draft[name] === undefined || name === "parent") continue;
    if (field.type === "checkbox") field.checked = Boolean(draft[name]);
    else field.value = draft[name];
  }
}
