"""How articles read: as text (show, list, review) and as the bilingual site (HTML pages, the static export).

Renderers over the aligned read model: no Flask, no model, no writes but the export's own files.
"""
