"""Measurements, each a module run from the project folder as `python -m bench.NAME`.

bench (throughput of `translate run` against Argos and CTranslate2), tune (engine
settings), faults (the fault battery), splitters (sentence splitters compared),
qa_refs (QA check rates on the NTREX references). None of them is a test.
"""
