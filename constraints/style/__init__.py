"""style (26): language, politeness, tense, register, person, emotion and stage directions (CATALOG.md, "style").

The registry imports every module of this folder through `pkgutil.walk_packages`:
- _shared.py: what the style heuristics share (the kind of each §MD line, tokens by span, the sentence set)
- register.py: the sentence-final chain classifier and polite, plain, past_tense, present_tense, taigendome
- person.py: first_person_singular, first_person_plural, impersonal
- language.py: english, japanese, british_english, american_english, no_english, no_japanese
- tone.py: the judge-only rows (registers, vocabulary, typos, emotions)
- stage.py: no_stage_directions (a rule)
"""
