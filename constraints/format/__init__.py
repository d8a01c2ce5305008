"""format (35): payload formats, Markdown structure, lists, citations, delimiters, code and indentation
(CATALOG.md, "format"). One module per family; the wrapper rule (§WRAP) lives in _wrap.py."""
