"""The ground floor: domain types, errors, settings, language codes and wording.

Every other package may import from here; nothing here imports from above
(checked by the import-linter contracts in pyproject.toml).
"""
