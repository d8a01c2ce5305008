"""processing (13): fixed openings and closings, and transformations of the prompt's document
(CATALOG.md, "processing").

- affixes: processing.prefix, processing.suffix
- copies: processing.repeat_document, processing.replace_span, processing.split_document
- sorting: processing.sort_sentences_codepoint, _length, _number
- extraction: processing.extract_prefix, _range, _suffix, processing.extract_matching (judge)
- statistic: processing.statistic
- _common: the document (§DOC), 1-based positions, line blocks, JFBench kwargs
"""
