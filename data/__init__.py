"""Bundled data: base prompts and demo cases."""
