"""Measurements, each a module run from the project folder as `python -m bench.NAME`.

bench (throughput of `translate run` against Argos and CTranslate2), tune (engine
settings), faults (the fault battery), splitters (sentence splitters compared),
qa_refs (QA check rates on the NTREX references), glossary_scale (QA and a term
change's write lock at 500 to 5,000 terms), long_page (memory and time of reading
the longest page). None of them is a test.
"""
