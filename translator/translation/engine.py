"""Translation engines: a small interface, and the CTranslate2 engine behind it.

An engine takes sentences and returns one Hypothesis per sentence, in order, all
at once or a batch at a time. It knows no database and no application settings:
it is given a package and its EngineOptions. The CTranslate2 engine is one core
for every model family (families.py: Argos, OPUS-MT, M2M-100, NLLB-200,
MADLAD-400): the family gives the tokenizer and the language tokens, the core
does the rest. It loads the model lazily and once, and sends sentences to
CTranslate2 in batches of one length, not one call per paragraph as Argos
itself does. A sentence longer than the model takes whole is translated in
clause pieces; nothing is cut without a trace.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any, Iterator, Protocol, Sequence

from ..core.errors import ConfigError, EngineError, PackageError
from ..core.news import Hypothesis
from .families import LanguageTokens, Tokenizer, family_of
from .families import argos_environment  # noqa: F401  (its callers import it from here: bench/bench.py, the tests)
from .formats import PackageInfo
from .mbr import choose
from .hardware import available_memory, gib, run_memory
from ..text.segment import join_sentences, split_long_sentence


class Engine(Protocol):
    """Translates sentences; names its package and version for provenance.

    `translate` is all an engine must have. `stream` and `safer` are what a batch
    run uses when an engine has them (CTranslate2Engine does): see `steps_of` and
    `safer_of`, which stand in for them otherwise; `family` (families.py) is saved
    with each translation when an engine has one (`family_of_engine`).
    """

    package: str
    package_version: str

    def translate(self, sentences: Sequence[str]) -> list[Hypothesis]:
        """One Hypothesis per sentence, in order; an empty or blank sentence gives Hypothesis("").

        A sentence's result never depends on the other sentences in the call.

        :raises PackageError: when the model cannot be loaded (on first use).
        :raises EngineError: when the model fails while translating.
        """
        ...

    def alternatives(self, sentence: str, n: int) -> list[Hypothesis]:
        """The model's `n` best translations of one sentence, best first (fewer if the model finds fewer).

        An empty or blank sentence gives [Hypothesis("")].

        :raises PackageError: when the model cannot be loaded (on first use).
        """
        ...

    def stream(self, sentences: Sequence[str]) -> Iterator[list[tuple[int, Hypothesis]]]:
        """The results of `translate`, a step at a time: each step is one bounded model call
        and yields the (index, Hypothesis) pairs of the sentences it finished (maybe none).

        Every index comes once; sentences earlier in `sentences` tend to finish first,
        so a caller can save work as it is done and stop between steps.
        """
        ...

    def safer(self) -> "Engine":
        """The same model, decoding more cautiously: for sentences whose output came back
        cut at the length limit or empty (news.incomplete)."""
        ...


def steps_of(engine: Engine, sentences: Sequence[str]) -> Iterator[list[tuple[int, Hypothesis]]]:
    """`engine.stream(sentences)`, or, for an engine without one, `translate` as a single step."""
    stream = getattr(engine, "stream", None)
    if stream is not None:
        return stream(sentences)
    return iter([list(enumerate(engine.translate(sentences)))])


def safer_of(engine: Engine) -> Engine:
    """`engine.safer()`, or the engine itself when it has no other decoding to offer."""
    safer = getattr(engine, "safer", None)
    return safer() if safer is not None else engine


# Models this process has loaded (CTranslate2Engine._load): their thread pools make Python's own
# shutdown after Ctrl-C unsafe (translator/__main__.py ends the process without it).
_LOADED: list[str] = []


def model_loaded() -> bool:
    """Whether this process has loaded a CTranslate2 model (whose threads outlive a model call)."""
    return bool(_LOADED)


def confidence_threshold_of_engine(engine: Engine) -> float | None:
    """The QA confidence threshold of the engine's package (PackageInfo.confidence_threshold), None for none."""
    threshold = getattr(engine, "confidence_threshold", None)
    return float(threshold) if isinstance(threshold, (int, float)) and not isinstance(threshold, bool) else None


def family_of_engine(engine: Engine) -> str | None:
    """The model family of the engine's package (families.py), None for an engine that names none."""
    family = getattr(engine, "family", None)
    return family if isinstance(family, str) else None


@dataclass(frozen=True)
class Decoding:
    """Decoding settings, chosen on the NTREX dev set (models/README.md, "Decoding").

    The default is beam 4 with a repetition penalty of 1.2, and MBR over its 4
    best (`mbr_candidates`). On the shipped CPU-trained model (0.5, step 15,251,
    1,007 dev sentences, an Intel CPU with VNNI) that scores chrF 16.87; the beam's best
    alone 16.40, beam 2 15.83 (`--beam-size 2 --mbr 1`), at about 1.3-1.6 times the speed; beam 4 scored
    higher than beam 2 on every checkpoint measured since step 4,800.
    The penalty ends the loops a small model falls into (step 4,800: 59 outputs
    cut at the length limit without it, 2 with it, beam 4). Re-measure with
    `python -m models.recipe evaluate --sweep` when the model changes, since the
    penalty also weighs on the particles every Japanese sentence repeats.
    """

    beam_size: int = 4
    length_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.2
    # Output may be this much longer than the input, in tokens, before it is cut.
    max_length_ratio: float = 3.0
    max_length_extra: int = 16
    # Minimum Bayes risk: of the beam's n best, the one the others agree with most (mbr.choose);
    # 0 or 1: the beam's best. Issue 21, on the NTREX dev set (bench/mbr.py): the 4 best of
    # beam 4 gave chrF 13.91 against 13.51 for the beam's best (step 9,951), 15.03 against 14.62
    # (step 11,051), 15.72 against 15.34 (step 12,251), at the same speed; 8 of beam 8 15.89 on
    # step 12,251 at 0.65 of the speed, 16.44 against 16.10 on step 13,251 (0.4) at 0.68,
    # 17.08 against 16.87 on step 15,251 (0.5) at 0.67 (models/README.md, "Decoding"); 8 samples 10.71.
    mbr_candidates: int = 4

    def output_limit(self, source_tokens: int) -> int:
        """Most output tokens for a sentence of `source_tokens` tokens: ceil(ratio × n) + extra."""
        return math.ceil(self.max_length_ratio * source_tokens) + self.max_length_extra

    def safer(self) -> "Decoding":
        """The retry of a sentence whose output came back cut or empty: beam 4 at least, and
        no 4-token sequence twice (no_repeat_ngram_size 4).

        Such output is mostly a loop (the model repeats a phrase until the limit), and
        a loop is a repeated n-gram: forbidding repeats ends it where the repetition
        penalty did not. A wider beam finds the end of the sentence more often.
        """
        return dataclasses.replace(
            self, beam_size=max(self.beam_size, 4), no_repeat_ngram_size=self.no_repeat_ngram_size or 4
        )

    def search_options(self, beam_size: int | None = None) -> dict[str, Any]:
        """These settings as `Translator.translate_batch` takes them (the output limit is per batch:
        `output_limit`). The one place decoding reaches CTranslate2: a new option goes here."""
        return {
            "beam_size": beam_size or self.beam_size,
            "length_penalty": self.length_penalty,
            "no_repeat_ngram_size": self.no_repeat_ngram_size,
            "repetition_penalty": self.repetition_penalty,
        }


@dataclass(frozen=True)
class EngineOptions:
    """How an engine runs: CTranslate2 device, CPU threads (0: all cores; 1 by default), compute type, batch size, decoding.

    `compute_type`: CTranslate2's. "default" keeps the package's int8 weights with
    float32 activations (int8_float32 on a CPU): on this project's CPU it was as
    fast as any other type and scored the same (models/README.md). The bfloat16
    types are CUDA-only in CTranslate2 4.x.

    `max_source_tokens`: a sentence of more tokens is split at clause boundaries and
    translated in pieces of at most this many. 200 is the longest sentence the
    recipe trains on (models/recipe/configs/base.json, max_tokens_per_sentence):
    past it a model of this kind drops or repeats content, and CTranslate2 would
    cut input past 1,024 tokens without a word (its default max_input_length).
    """

    device: str = "cpu"
    # One thread: on these 2-core VMs the fastest or nearly, idle and beside busy processes, and the
    # least CPU (bench/README.md, "Threads": the sample page 3.2 s; two threads 2.8 s idle when they
    # spin, 12.4 s when they sleep, 6.0 s spinning beside one busy process).
    threads: int = 1
    compute_type: str = "default"
    batch_tokens: int = 2048
    decoding: Decoding = field(default_factory=Decoding)
    max_source_tokens: int = 200


def load_ctranslate2() -> Any:
    """The ctranslate2 module, imported with GNU OpenMP's threads set to sleep while they wait.

    The wheel's libgomp spins a waiting thread by default (OMP_WAIT_POLICY=ACTIVE):
    beside another busy process on these 2-core machines a spinning thread and a
    preempted one stall each other, and `translate run` with two threads took
    96.9 s instead of 6.5 s (issue 25). Sleeping threads cost more on an idle VM
    (12.4 s against 2.8 s, bench/README.md, "Threads"), but their worst case is
    bounded; with the default of one thread the policy changes nothing measurable.
    It is read once, when the library loads, so it is set here, before the first
    import, unless the environment already chose one.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import ctranslate2

    return ctranslate2


def _check_compute_type(ctranslate2: Any, device: str, compute_type: str) -> None:
    """:raises ConfigError: when CTranslate2 cannot compute in `compute_type` on `device`.

    CTranslate2 4.x computes in bfloat16 (and float16) on CUDA only: on a CPU,
    even one with AMX, it offers int8, int8_float32, int16 and float32.
    """
    if compute_type in ("default", "auto"):
        return
    try:
        available = ctranslate2.get_supported_compute_types(device)
    except (RuntimeError, ValueError):
        return  # no such device here: loading the model says so
    if compute_type not in available:
        raise ConfigError(
            f"compute type {compute_type} is not available on {device} here "
            f"(available: {', '.join(sorted(available))})"
        )


def length_batches(lengths: Sequence[int], batch_tokens: int) -> list[list[int]]:
    """Indices grouped into batches of one length each, at most `batch_tokens` tokens a batch.

    One length per batch means no padding, and every sentence in a batch has the
    same output limit (`Decoding.output_limit`), so the batch's limit is each
    sentence's own: batching never changes a result. A sentence longer than
    `batch_tokens` gets a batch of its own. Earliest first: each batch holds the
    lowest index not yet batched and the next indices of its length, so the
    sentences of the first articles are done first and their articles can be
    saved while the rest is translated. (The training recipe buckets by length
    too, with padding: models/recipe/train.py.)
    """
    by_length: dict[int, deque[int]] = defaultdict(deque)
    for index, length in enumerate(lengths):
        by_length[length].append(index)
    batches = []
    for index, length in enumerate(lengths):
        waiting = by_length[length]
        if not waiting or waiting[0] != index:
            continue  # batched with an earlier index of its length
        size = max(batch_tokens // max(length, 1), 1)
        batches.append([waiting.popleft() for _ in range(min(size, len(waiting)))])
    return batches


@dataclass
class _Model:
    """The loaded tokenizer and CTranslate2 translator, shared by an engine's copies."""

    translator: Any = None
    tokenizer: Tokenizer | Any = None


@dataclass(frozen=True)
class CTranslate2Engine:
    """An installed package of any family (families.py), run with CTranslate2.

    The family gives the tokenizer (`_load`) and the language tokens (`language`);
    everything else is the same for every family: length batches, clause pieces,
    the output limit, N-best, the safer retry.
    """

    info: PackageInfo
    options: EngineOptions = field(default_factory=EngineOptions)
    _model: _Model = field(default_factory=_Model, repr=False, compare=False)

    @property
    def package(self) -> str:
        return self.info.name

    @property
    def package_version(self) -> str:
        return self.info.package_version

    @property
    def confidence_threshold(self) -> float | None:
        """The package's threshold for QA's confidence check, saved with its translations (None: the default)."""
        return self.info.confidence_threshold

    @property
    def family(self) -> str:
        """The package's model family, saved with its translations.

        :raises PackageError: when the package names a family this version does not know.
        """
        return family_of(self.info).name

    @property
    def language(self) -> LanguageTokens:
        """The tokens around each sentence (source prefix and suffix) and the target prefix."""
        return family_of(self.info).language_tokens(self.info)

    def with_decoding(self, decoding: Decoding) -> "CTranslate2Engine":
        """The same engine and loaded model, decoding differently."""
        return dataclasses.replace(self, options=dataclasses.replace(self.options, decoding=decoding))

    def _load(self) -> _Model:
        model = self._model
        if model.translator is not None:
            return model
        device = self.options.device
        family = family_of(self.info)
        family.language_tokens(self.info)  # unusable tokens fail here, before the model loads
        tokenizer = family.tokenizer(self.info, device)
        ctranslate2 = load_ctranslate2()

        _check_compute_type(ctranslate2, device, self.options.compute_type)
        _check_memory(self.info, device, self.options.compute_type)
        try:
            translator = ctranslate2.Translator(
                str(self.info.path / "model"),
                device=device,
                compute_type=self.options.compute_type,
                intra_threads=self.options.threads or (os.cpu_count() or 1),
                inter_threads=1,
            )
        except (RuntimeError, ValueError) as error:
            raise PackageError(f"{self.info.name}: cannot load the model on {device}: {error}") from None
        model.tokenizer, model.translator = tokenizer, translator
        _LOADED.append(self.info.name)
        return model

    def safer(self) -> "CTranslate2Engine":
        """See `Engine.safer`: the same engine and loaded model with `Decoding.safer`."""
        return self.with_decoding(self.options.decoding.safer())

    def _decode(
        self, model: _Model, pieces: list[list[str]], limit: int, beam_size: int | None = None, n: int = 1
    ) -> list[list[Hypothesis]]:
        """One CTranslate2 call on the pieces of some sentences: each sentence's `n` best, best
        first, output cut at `limit` tokens.

        The family's tokens go around each sentence's pieces, the target prefix starts
        the output and is dropped from it (counted towards the limit first, whether or
        not CTranslate2 counts it); the family's tokenizer decodes the rest.

        :raises EngineError: when CTranslate2 fails (out of memory, a device error).
        """
        language = self.language
        prefix = language.target_prefix
        try:
            outputs = model.translator.translate_batch(
                [language.source(tokens) for tokens in pieces],
                target_prefix=[[prefix]] * len(pieces) if prefix else None,
                num_hypotheses=n,
                max_decoding_length=limit,
                max_input_length=0,  # never cut the input: long sentences come in pieces (_pieces)
                max_batch_size=0,  # the batch is already the size we want
                replace_unknowns=True,
                return_scores=True,
                **self.options.decoding.search_options(beam_size),
            )
            decode = model.tokenizer.decode
            results = [
                [
                    Hypothesis(decode(language.target(tokens)).strip(), len(tokens) >= limit, float(score))
                    for tokens, score in zip(output.hypotheses, output.scores)
                ]
                for output in outputs
            ]
        except (RuntimeError, ValueError) as error:
            raise EngineError(f"{self.info.name}: the model failed while translating: {error}") from None
        return results

    def alternatives(self, sentence: str, n: int) -> list[Hypothesis]:
        """See `Engine.alternatives`: what `translate` gives first, then CTranslate2's `num_hypotheses`
        from a beam at least `n` wide, best first, each text once; the output limit is translate's.
        """
        if not sentence.strip():
            return [Hypothesis("")]
        model = self._load()
        tokens = model.tokenizer.encode(sentence)
        limit = self.options.decoding.output_limit(len(tokens))
        [shown] = self._translate_batch(model, [tokens])  # with MBR, not always the beam's first
        beam_size = max(n, self.options.decoding.beam_size)
        (wide,) = self._decode(model, [tokens], limit, beam_size, n)
        return [shown, *[h for h in wide if h.text != shown.text]][:n]

    def translate(self, sentences: Sequence[str]) -> list[Hypothesis]:
        """See `Engine.translate`. Each sentence's output is cut at `Decoding.output_limit` of its own length."""
        results = [Hypothesis("")] * len(sentences)
        for step in self.stream(sentences):
            for index, hypothesis in step:
                results[index] = hypothesis
        return results

    def stream(self, sentences: Sequence[str]) -> Iterator[list[tuple[int, Hypothesis]]]:
        """See `Engine.stream`: one CTranslate2 batch a step (`length_batches`, earliest first).

        A sentence of more than `max_source_tokens` tokens is translated in clause
        pieces (`split_long_sentence`), joined back; its Hypothesis says how many
        pieces, is truncated when any piece is, and scores as its worst piece.
        """
        blank = [(i, Hypothesis("")) for i, sentence in enumerate(sentences) if not sentence.strip()]
        if blank:
            yield blank
        todo = [i for i, sentence in enumerate(sentences) if sentence.strip()]
        if not todo:
            return
        model = self._load()
        pieces: list[list[str]] = []  # token lists
        owner: list[tuple[int, int]] = []  # per piece: (sentence index, piece number)
        parts: dict[int, list[Hypothesis | None]] = {}
        for i in todo:
            try:
                tokens = [piece_tokens for _, piece_tokens in self._pieces(model.tokenizer, sentences[i])]
            except (RuntimeError, ValueError) as error:
                raise EngineError(f"{self.info.name}: the tokenizer failed on sentence {i + 1}: {error}") from None
            parts[i] = [None] * len(tokens)
            pieces += tokens
            owner += [(i, n) for n in range(len(tokens))]
        for batch in length_batches([len(tokens) for tokens in pieces], self.options.batch_tokens):
            finished = []
            for k, hypothesis in zip(batch, self._translate_batch(model, [pieces[k] for k in batch])):
                i, n = owner[k]
                parts[i][n] = hypothesis
                if all(part is not None for part in parts[i]):
                    finished.append((i, self._joined(parts.pop(i))))  # type: ignore[arg-type]
            yield finished

    def _pieces(self, tokenizer: Any, sentence: str) -> list[tuple[str, list[str]]]:
        """The sentence and its tokens, or, past `max_source_tokens`, each clause piece and its tokens.

        The piece length in characters comes from this sentence's own characters
        per token, and a piece still too long is split again, so every piece is
        within the limit (a piece shrinks at each step, down to one character).
        The family's language tokens come on top (`LanguageTokens.source`).
        """
        tokens = tokenizer.encode(sentence)
        limit = self.options.max_source_tokens
        if len(tokens) <= limit:
            return [(sentence, tokens)]
        max_chars = max(1, len(sentence) * limit // len(tokens))
        return [part for piece in split_long_sentence(sentence, max_chars) for part in self._pieces(tokenizer, piece)]

    def _joined(self, parts: list[Hypothesis]) -> Hypothesis:
        if len(parts) == 1:
            return parts[0]
        scores = [part.score for part in parts if part.score is not None]
        return Hypothesis(
            join_sentences([part.text for part in parts], self.info.to_code),
            any(part.truncated for part in parts),
            min(scores) if scores else None,
            len(parts),
        )

    def _translate_batch(self, model: _Model, source: list[list[str]]) -> list[Hypothesis]:
        """One CTranslate2 call on token lists of one length; the output limit is theirs.

        With `Decoding.mbr_candidates` n > 1, each sentence's n best come back and
        the one the others agree with most is kept (`choose_mbr`).

        :raises EngineError: when CTranslate2 fails (out of memory, a device error).
        """
        decoding = self.options.decoding
        limit = decoding.output_limit(len(source[0]))  # one length per batch
        n = max(1, min(decoding.mbr_candidates, decoding.beam_size))
        return [choose_mbr(candidates) for candidates in self._decode(model, source, limit, n=n)]


def choose_mbr(candidates: list[Hypothesis]) -> Hypothesis:
    """The candidate the others agree with most (mbr.choose, chrF), among those not cut at the length
    limit when any is not (a loop's length wins agreement by recall alone); the first of one."""
    whole = [candidate for candidate in candidates if not candidate.truncated] or candidates
    return whole[choose([candidate.text for candidate in whole])]


def _check_memory(info: PackageInfo, device: str, compute_type: str) -> None:
    """:raises PackageError: before loading, when the model needs more memory than this machine has free.

    Only on the CPU: a GPU's memory is its own, and CTranslate2 says when it runs out.
    """
    if device != "cpu":
        return
    try:
        size = (info.path / "model" / "model.bin").stat().st_size
    except OSError:
        return  # loading says what is wrong
    stored_int8 = str(info.metadata.get("quantization", "int8")).startswith("int8")
    needed, available = run_memory(size, compute_type, stored_int8), available_memory()
    if available is not None and needed > available:
        raise PackageError(
            f"{info.name}: the model needs about {gib(needed)} of memory and {gib(available)} is free here: "
            "free some, or choose a smaller package (--package)"
        )
