"""The base of content's judged rows: JFBench's LLM classes take `client` (and `document`) arguments."""

from __future__ import annotations

from jfbench.catalog import Constraint, Group, Kind

# Every judged or hybrid-judged row of the group conflicts with content.irrelevant (E16).
IRRELEVANT = "content.irrelevant"


class JudgedContent(Constraint):
    """A judge row of content. JFBench passed an LLM client and the task document to the constructor; here
    the judge is configured at run time and §DOC comes from the prompt, so an alias call drops both."""

    group = Group.CONTENT
    kind = Kind.JUDGE

