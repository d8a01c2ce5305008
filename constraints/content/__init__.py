"""content (9): keywords, topics, grounding in the prompt, reasons, irrelevance and question endings
(CATALOG.md, "content").

- keywords.py: keyword_included, keyword_excluded (rule) and the §K keyword vocabulary.
- questions.py: ends_with_question (rule).
- topics.py: topic_included, topic_excluded, grounded_in_prompt, irrelevant (judge): the answer against §DOC.
- reasons.py: reasons, no_reasons (judge).
"""

from jfbench.constraints.content.keywords import (
    NEUTRAL_NOUNS,
    keywords_overlap,
    pick_keywords,
    prompt_nouns,
    required_keywords,
    stable_keyword,
)

__all__ = ["NEUTRAL_NOUNS", "keywords_overlap", "pick_keywords", "prompt_nouns", "required_keywords",
           "stable_keyword"]
