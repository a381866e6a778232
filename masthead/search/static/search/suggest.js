// As-you-type suggestions for every search box that asks for them (data-suggest-url):
// titles of matching posts fill the box's <datalist>, so the browser offers them as a
// native, keyboard- and screen-reader-friendly list. Without this file the boxes still search.
(() => {
  const DELAY_MS = 150;

  function attach(input) {
    const list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    let timer = 0;
    let latest = 0;
    input.addEventListener("input", () => {
      window.clearTimeout(timer);
      const text = input.value.trim();
      if (text.length < 2) return;
      timer = window.setTimeout(async () => {
        const asked = ++latest;
        try {
          const url = new URL(input.dataset.suggestUrl, window.location.href);
          url.searchParams.set("q", text);
          const response = await fetch(url, { headers: { Accept: "application/json" } });
          if (!response.ok || asked !== latest) return;
          const [, titles] = await response.json();
          list.replaceChildren(...titles.map((title) => {
            const option = document.createElement("option");
            option.value = title;
            return option;
          }));
        } catch {
          // Suggestions are a convenience: a failed request leaves the box as it was.
        }
      }, DELAY_MS);
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const input of document.querySelectorAll("input[data-suggest-url][list]")) attach(input);
  });
})();
