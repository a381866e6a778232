-- Pandoc filter for WordPress bodies on their way to Markdown (wordpress_html.to_markdown).
--
-- Two things pandoc's GitHub-flavoured writer does that readers of an imported post would
-- see as damage:
--
-- * A table always gets a header row in pipe-table syntax, so a table that had none gets
--   an empty one. A table without a header is written as HTML instead (Markdown allows
--   it, and the renderer's allow-list keeps it), exactly as the source had it.
-- * A line break becomes a backslash at the end of the line. Where it ends a paragraph, a
--   heading or a list item, CommonMark shows the backslash itself. WordPress's editors
--   leave such breaks everywhere, so they go; a run of breaks inside a paragraph (an
--   author's way of making space) becomes one paragraph break.

local function is_gap(inline)
  return inline.t == "LineBreak" or inline.t == "Space" or inline.t == "SoftBreak"
end

local function trimmed(inlines)
  while #inlines > 0 and is_gap(inlines[#inlines]) do
    inlines:remove(#inlines)
  end
  while #inlines > 0 and is_gap(inlines[1]) do
    inlines:remove(1)
  end
  return inlines
end

-- Emphasis, links and spans end where their words end: a break at their edge moves out.
local function trim_edges(element)
  element.content = trimmed(element.content)
  return element
end

-- The inlines split where two or more line breaks follow each other.
local function split_on_break_runs(inlines)
  local pieces = { pandoc.Inlines({}) }
  local index = 1
  while index <= #inlines do
    local inline = inlines[index]
    if inline.t == "LineBreak" then
      local last = index
      local breaks = 0
      while last <= #inlines and is_gap(inlines[last]) do
        if inlines[last].t == "LineBreak" then
          breaks = breaks + 1
        end
        last = last + 1
      end
      if breaks > 1 then
        table.insert(pieces, pandoc.Inlines({}))
        index = last
      else
        pieces[#pieces]:insert(inline)
        index = index + 1
      end
    else
      pieces[#pieces]:insert(inline)
      index = index + 1
    end
  end
  return pieces
end

local function paragraphs(make)
  return function(block)
    local blocks = {}
    for _, piece in ipairs(split_on_break_runs(block.content)) do
      piece = trimmed(piece)
      if #piece > 0 then
        table.insert(blocks, make(piece))
      end
    end
    return blocks
  end
end

local function has_header(tbl)
  for _, row in ipairs(tbl.head.rows) do
    for _, cell in ipairs(row.cells) do
      if #cell.contents > 0 then
        return true
      end
    end
  end
  return false
end

local function table_as_html(tbl)
  if has_header(tbl) then
    return nil
  end
  local html = pandoc.write(pandoc.Pandoc({ tbl }), "html")
  -- An HTML block in Markdown ends at a blank line: the table must have none.
  html = html:gsub("\n%s*\n", "\n")
  return pandoc.RawBlock("html", html)
end

return {
  {
    Emph = trim_edges,
    Strong = trim_edges,
    Span = trim_edges,
    Link = trim_edges,
    Underline = trim_edges,
  },
  {
    Para = paragraphs(pandoc.Para),
    Plain = paragraphs(pandoc.Plain),
    Header = function(header)
      header.content = trimmed(header.content)
      return header
    end,
    Table = table_as_html,
  },
}
