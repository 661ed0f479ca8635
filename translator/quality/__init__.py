"""Quality: the QA checks, Japanese news style, and the glossary's terms and their enforcement.

Pure functions over text: no database, no model.
"""
