"""Machine translation: the engine (CTranslate2) and its package formats, and the batch over pending articles."""
