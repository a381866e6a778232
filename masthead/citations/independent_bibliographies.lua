-- Formats groups of items, each group as if it were a document of its own,
-- in a single pandoc process. The caller puts in one group only items that
-- cannot affect each other's entries (see engine.py), so every entry reads
-- as it would if the item were the only reference.
-- The input document's metadata names the folder of group files (0.json,
-- 1.json, ...), how many there are, and the CSL style.
function Pandoc(doc)
  local meta = doc.meta
  local folder = pandoc.utils.stringify(meta["masthead-groups-folder"])
  local count = tonumber(pandoc.utils.stringify(meta["masthead-groups"]))
  local style = pandoc.utils.stringify(meta["masthead-csl"])
  local cite_all = pandoc.Cite({ pandoc.Str("@*") }, { pandoc.Citation("*", "NormalCitation") })
  local blocks = {}
  for index = 0, count - 1 do
    local group = pandoc.Pandoc({}, {
      bibliography = folder .. "/" .. index .. ".json",
      csl = style,
      lang = "en-US",
      nocite = pandoc.MetaInlines({ cite_all }),
    })
    local formatted = pandoc.utils.citeproc(group)
    table.insert(blocks, pandoc.Div(formatted.blocks, { id = "group-" .. index }))
  end
  return pandoc.Pandoc(blocks, {})
end
