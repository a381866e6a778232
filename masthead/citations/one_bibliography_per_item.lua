-- Formats each item on its own, as if it were the only reference in a
-- document, but in a single pandoc process: a batch must not let items
-- interact (no "2024a/2024b", no numbering across items, no "———").
-- The input document's metadata names the folder of item files (0.json,
-- 1.json, ...), how many there are, and the CSL style.
function Pandoc(doc)
  local meta = doc.meta
  local folder = pandoc.utils.stringify(meta["masthead-items"])
  local count = tonumber(pandoc.utils.stringify(meta["masthead-count"]))
  local style = pandoc.utils.stringify(meta["masthead-csl"])
  local cite_all = pandoc.Cite({ pandoc.Str("@*") }, { pandoc.Citation("*", "NormalCitation") })
  local blocks = {}
  for index = 0, count - 1 do
    local single = pandoc.Pandoc({}, {
      bibliography = folder .. "/" .. index .. ".json",
      csl = style,
      lang = "en-US",
      nocite = pandoc.MetaInlines({ cite_all }),
    })
    local formatted = pandoc.utils.citeproc(single)
    table.insert(blocks, pandoc.Div(formatted.blocks, { id = "entry-" .. index }))
  end
  return pandoc.Pandoc(blocks, {})
end
