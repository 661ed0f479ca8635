"""Names in a translation: an English proper name with no rendering in the Japanese (the `name` check).

A name is rendered when the Japanese has it as the glossary writes it (the
glossary check reports those terms), in Latin letters (Sheinbaum氏, Google), or in
katakana that sounds like it: a katakana word, or a run of them joined by ・, ＝
or a space, whose sound key (terms.py: シャインバウム and Sheinbaum both give
"snbm") is at least NAME_SOUND_THRESHOLD like the name's, or holds it whole. A
model that invents a name (米コミ for Sheinbaum) or drops it gets a warning
naming it.

Which capitalised words are names: `data/names.txt` lists the words that are not,
made by `data/make_names.py` from the English of the training corpora
(../shared/corpus/train, never the dev set):

- common words: written in lowercase at least 5 times and at least a quarter of
  the time in the middle of a sentence (Court, Government, Tensions);
- words human translators render by meaning, not by sound: capitalised at least
  twice in the news corpora's pairs, and rendered in katakana or Latin letters
  less than half the time (Democrats 民主党, Pacific 太平洋, Monday 月曜日).

Left out besides: acronyms (EU, AMs: left to english_left), words of the
gazetteer's countries, demonyms and capitals (the place check's), of regions
and nations inside countries (_REGIONS: Europe 欧州, Scottish), Chinese names
(a word made of pinyin syllables: Xi, Guiyang, written in kanji), words with a
sound key of one letter (Wade: "d"), and sentences in title case, where every
word is capitalised. A run of capitalised words (Claudia Sheinbaum, Theresa
May) is one name: any of its words rendered will do.

On the NTREX dev set: bench/qa_refs.py (docs/qa.md). An English→katakana model
(the e2k package's C2K, Unlicense, numpy only) to give the expected katakana was
measured as a second way to find a rendering, and left out: with it the
references got 14 flags instead of 16 and the model's bad sentences 200 instead
of 207, for a 12.5 MB wheel and a name check eight times slower.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources

import jaconv

from ..core.news import Check, Flag, Severity
from .glossary import GlossaryEntry, find_terms
from .places import place_words
from .terms import katakana_key, sound_key

# A katakana rendering at least this like the name (difflib ratio of the sound keys) counts. Chosen on
# the NTREX dev set (bench/qa_refs.py; 709 of the shipped model's 1,007 sentences under chrF 15):
# at 0.5, 11 references and 126 bad machine sentences are flagged; at 0.6, 16 and 207; at 0.7, 41
# and 253. 0.6 finds 81 more bad sentences than 0.5 for 5 references more, and keeps the references
# under 2 in 100; 0.7 would flag 25 references more for 46 more bad sentences.
NAME_SOUND_THRESHOLD = 0.6

_WORD = re.compile(r"(?<![\w'’-])[^\W\d_]+(?:['’-][^\W\d_]+)*")
_KATAKANA_PART = re.compile(r"[ァ-ヺー]+")
_JOINERS = frozenset("・＝= ")
# Regions, and the nations of the United Kingdom: places, but not countries of the gazetteer.
_REGIONS = frozenset(
    "europe european europeans asia asian asians africa african africans america americas scotland scottish scots "
    "wales welsh england english ireland irish britain latin arab arabs arabic middle caribbean pacific atlantic "
    "arctic antarctic antarctica mediterranean baltic balkan balkans nordic scandinavian scandinavia oceania "
    "eurasia".split()
)
_PINYIN = (
    "a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang cao ce cen ceng "
    "cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo ci cong cou cu "
    "cuan cui cun cuo da dai dan dang dao de dei den deng di dian diao die ding diu dong dou du duan dui dun duo e ei "
    "en eng er fa fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang "
    "gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao "
    "jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun "
    "kuo la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu long lou lu luan lun luo lv lve ma mai "
    "man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nian "
    "niang niao nie nin ning niu nong nou nu nuan nuo nv nve o ou pa pai pan pang pao pei pen peng pi pian piao pie pin "
    "ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou "
    "ru ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua "
    "shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te teng ti tian tiao tie "
    "ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu "
    "xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha "
    "zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu "
    "zuan zui zun zuo"
).split()
_PINYIN_WORD = re.compile("(?:" + "|".join(sorted(_PINYIN, key=len, reverse=True)) + ")+")
# Abbreviations written capitalised (Sept. 3, Gov. Smith): words, not names.
_ABBREVIATIONS = frozenset(
    "jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun mr mrs ms dr st jr "
    "sr gen gov rep sen lt col sgt capt prof rev mt ft".split()
)
# Endings that make a listed word from another: Tensions (tension), Announcing (announce).
_ENDINGS = (("s", ""), ("es", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("ies", "y"), ("ied", "y"), ("ly", ""))


@lru_cache(maxsize=1)
def not_names() -> frozenset[str]:
    """The lowercase words of data/names.txt: capitalised, they are still not names to find in katakana."""
    text = resources.files(__package__).joinpath("data", "names.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def _listed(word: str) -> bool:
    listed = not_names()
    if word in listed:
        return True
    return any(
        word.endswith(ending) and len(word) - len(ending) >= 3 and word[: -len(ending)] + stem in listed
        for ending, stem in _ENDINGS
    )


@lru_cache(maxsize=8192)
def is_name(word: str) -> bool:
    """Whether a capitalised English word is a name that the Japanese writes by its sound (see the module docstring)."""
    word = re.sub(r"['’]s$", "", word)
    if not word or not word[0].isupper() or word.rstrip("s").isupper():
        return False  # lowercase, or an acronym (EU, AMs)
    lower = word.lower()
    places = place_words()
    if (
        _listed(lower)
        or lower in places
        or lower.removesuffix("s") in places  # Americans
        or lower in _REGIONS
        or lower in _ABBREVIATIONS
        or _PINYIN_WORD.fullmatch(lower)
    ):
        return False
    parts = re.split(r"[-'’]", word)
    if len(parts) > 1 and all(
        _listed(p.lower()) or p.lower() in place_words() or p.isupper() or len(p) < 3 for p in parts
    ):
        return False  # Pro-independence, Netherlands-based, PNG-registered
    return len(sound_key(word)) >= 2


def _title_case(english: str) -> bool:
    words = re.findall(r"[A-Za-z]{4,}", english)
    return len(words) >= 3 and sum(word[0].isupper() for word in words) >= 0.8 * len(words)


def name_runs(english: str) -> list[tuple[list[str], tuple[int, int]]]:
    """Runs of capitalised words (joined by one space or a hyphen) from their first name on: (words, span)."""
    if _title_case(english):
        return []
    runs: list[tuple[list[str], tuple[int, int]]] = []
    words: list[str] = []
    start = end = 0
    for match in _WORD.finditer(english):
        word = re.sub(r"['’]s$", "", match.group())
        if not word[0].isupper():
            if words:
                runs.append((words, (start, end)))
            words = []
            continue
        if words and english[end : match.start()] in (" ", "-"):
            words.append(word)
        else:
            if words:
                runs.append((words, (start, end)))
            words, start = [word], match.start()
        end = match.start() + len(word)
    if words:
        runs.append((words, (start, end)))
    # A run starts at its first name: "Mexican President Claudia Sheinbaum" is Claudia Sheinbaum (the title
    # and the country are not the name: rendered, they would say nothing of it); words after it stay (Theresa May).
    named = []
    for words, (start, end) in runs:
        if not any(is_name(word) for word in words):
            continue
        first = next(i for i, word in enumerate(words) if not _describes(word))
        start = english.index(words[first], start)
        named.append((words[first:], (start, end)))
    return named


def _describes(word: str) -> bool:
    """A word before a name that says what or where the person is: a title, a country, an acronym (US, Mexican, President)."""
    lower = word.lower()
    return (
        word.rstrip("s").isupper()
        or _listed(lower)
        or lower in place_words()
        or lower.removesuffix("s") in place_words()
        or lower in _REGIONS
    )


def katakana_names(japanese: str, most_parts: int = 3) -> set[str]:
    """Katakana words, and runs of up to `most_parts` of them joined by ・, ＝ or a space, written without the joiners."""
    parts = [m.span() for m in _KATAKANA_PART.finditer(japanese)]
    found = set()
    for first in range(len(parts)):
        for last in range(first, min(first + most_parts, len(parts))):
            if last > first and not set(japanese[parts[last - 1][1] : parts[last][0]]) <= _JOINERS:
                break
            found.add("".join(japanese[a:b] for a, b in parts[first : last + 1]))
    return found


# English spellings that katakana writes otherwise: an r before a consonant as a long vowel (Marvin
# マーヴィン), a soft g (Virginia バージニア), gh as f (Bough ボフ), ch as sh (Bouchard ブシャール).
_RESPELLINGS = (
    (re.compile(r"r(?![aeiouy])"), ""),
    (re.compile(r"g(?=[eiy])"), "j"),
    (re.compile(r"gh"), "f"),
    (re.compile(r"ch"), "sh"),
)


@lru_cache(maxsize=8192)
def _keys(word: str) -> tuple[str, ...]:
    """Sound keys of a name as katakana may hear it: as spelt, and with each combination of _RESPELLINGS."""
    variants = {word.lower()}
    for pattern, replacement in _RESPELLINGS:
        variants |= {pattern.sub(replacement, variant) for variant in variants}
    return tuple(sorted({sound_key(variant) for variant in variants}))


def rendered(word: str, japanese: str, katakana: set[str] | None = None) -> bool:
    """Whether the Japanese writes this English word: in Latin letters, or in katakana that sounds like it.

    A word whose sound key is one letter (May: "m") needs a katakana word with the very same key (メイ).
    """
    text = jaconv.z2h(japanese, kana=False, ascii=True, digit=True)
    if re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![a-z])", text, re.IGNORECASE):
        return True
    keys = [key for key in _keys(word) if key]
    for name in katakana if katakana is not None else katakana_names(japanese):
        other = katakana_key(name)
        for key in keys:
            if len(key) == 1:
                if key == other:
                    return True
            elif SequenceMatcher(None, key, other).ratio() >= NAME_SOUND_THRESHOLD or (len(key) >= 3 and key in other):
                return True
    return False


def check_names(english: str, japanese: str, glossary: Sequence[GlossaryEntry] = ()) -> list[Flag]:
    """A warning for each run of English names of which no word is rendered in the Japanese.

    Runs that hold a glossary term are the glossary check's.
    """
    runs = name_runs(english)
    if not runs:
        return []
    terms = [span for _, span in find_terms(english, glossary)] if glossary else []
    katakana = katakana_names(japanese)
    flags = []
    for words, (start, end) in runs:
        if any(s < end and start < e for s, e in terms):
            continue
        # Any word of the run will do (Theresa May as メイ), but an acronym or initial in it is no rendering:
        # "A Plaid AM" is not rendered by the "AM" left in Latin letters.
        if not any(rendered(word, japanese, katakana) for word in words if not word.rstrip("s").isupper()):
            name = english[start:end]
            flags.append(
                Flag(
                    Check.NAME,
                    Severity.WARNING,
                    f"{name!r} is not in the Japanese (not in katakana that sounds like it, nor in Latin letters)",
                    en_span=(start, end),
                )
            )
    return flags
