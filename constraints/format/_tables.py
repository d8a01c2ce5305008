"""The budget terms shared by the table formats (CATALOG.md P1-P3): CSV, TSV and the Markdown, HTML,
LaTeX and MediaWiki tables."""

from __future__ import annotations

from jfbench.catalog import Demands


def table_demands(columns: int | None, rows: int | None, row_per_line: bool) -> Demands:
    """P1: at least 3 × columns × (rows + 1) characters (the header row included). P2/P3: the header and the
    data rows are non-empty lines when the syntax puts each row on its own line (CSV, TSV, Markdown,
    MediaWiki; HTML and LaTeX rows may share a line). An open count takes its smallest accepted value: 2
    columns, 1 data row."""
    c = 2 if columns is None else columns
    n = 1 if rows is None else rows
    return Demands(min_chars=3 * c * (n + 1), forced_lines=n + 1 if row_per_line else 0)
