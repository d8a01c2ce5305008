"""notation (21): numbers, contact details, dates and times, identifiers and ruby (CATALOG.md, "notation").

The registry imports every module of this folder through `pkgutil.walk_packages`:
numbers.py, contact.py, dates.py and identifiers.py hold the constraints, _common.py the shared patterns.
"""
