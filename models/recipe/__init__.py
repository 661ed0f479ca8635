"""The recipe of the bundled English→Japanese model; run it as `python -m models.recipe STEP`.

Modules: data (corpus → clean pairs, SentencePiece), model (the Transformer),
train (the training loop), convert (int8 parts, CTranslate2 export, warm starts
from a package), evaluate (chrF/BLEU on the NTREX dev set), synthetic (a made-up corpus for
tests and rehearsals), __main__ (the steps).
Only data, model, train and convert run on a GPU machine, which lacks
ctranslate2 and this project's `translator` package.
"""
