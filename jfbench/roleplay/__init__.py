"""Multi-turn role-play instruction following: cards, conversations, per-turn verdicts and scores."""
