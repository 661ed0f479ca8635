"""QA checks: exact flags for concrete pairs, accepted and flagged, and the false-alarm rate on NTREX."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from translator.core.errors import GlossaryFormatError
from translator.quality.glossary import GlossaryEntry, find_terms, read_glossary
from translator.quality.checks import (
    Check,
    Flag,
    SentencePair,
    Severity,
    check_article,
    check_sentence,
    japanese_values,
)

from .conftest import REPO, SHARED_CORPUS

NTREX = SHARED_CORPUS / "dev" / "ntrex-dev.tsv"
GLOSSARY = [
    GlossaryEntry("Sheinbaum", "シェインバウム"),
    GlossaryEntry("Rubio", "ルビオ"),
    GlossaryEntry("Sinaloa cartel", "シナロア・カルテル"),
    GlossaryEntry("X", "X", "the social media platform"),
]


def summary(flags: list[Flag]) -> list[tuple[str, str, str]]:
    return [(f.check.value, f.severity.value, f.message) for f in flags]


# -- numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "english, japanese",
    [
        ("Vietnam parliament approves $8 billion rail link to China", "ベトナム議会、中国への80億ドルの鉄道建設を承認"),
        ("It avoids the sweeping 25-percent tariffs.", "25％の関税を回避する。"),
        ("It was 25% higher.", "25%高かった。"),
        ("Around 480,000 people were killed.", "約48万人が死亡した。"),
        ("On Feb. 21, he left.", "2月21日に彼は去った。"),
        ("On Feb. 21, he left.", "21日に彼は去った。"),
        ("The vote is at 3 p.m. on Friday.", "投票は金曜日の午後3時に行われる。"),
        ("The vote is at 3 p.m. on Friday.", "投票は金曜日の15時に行われる。"),
        ("The 44-year-old was found at 7.55am.", "44歳の男性が午前7時55分に発見された。"),
        ("Perfect time for a pint is 5.30pm on a Saturday.", "飲酒に最適な時間は土曜日午後5時半だ。"),
        ("The meeting starts at 10:00 a.m.", "会議は午前10時に始まる。"),
        ("It cost 8.5 million euros.", "850万ユーロかかった。"),
        ("It cost 1,200 yen, up 3.5 percent in 2019.", "2019年に3.5%上がって1200円だった。"),
        ("It was his 21st win.", "彼にとって21勝目だった。"),
        ("It was his 21st win.", "彼にとって２１勝目だった。"),
        ("It was his 21st win.", "彼にとって二十一勝目だった。"),
        ("In the 1980s, it sold for £125m.", "1980年代に1億2500万ポンドで売れた。"),
        ("It fell to 1.05 million viewers.", "視聴者数は 105 万人に落ちた。"),
        ("A $15,000 jacket.", "1 万 5 千ドルのジャケット。"),
        ("The COVID-19 pandemic hit MS-13.", "新型コロナウイルスの大流行は同組織を直撃した。"),
        ("Chelsea led 1-0 at halftime.", "チェルシーは前半を1対0でリードした。"),
        ("Six million people voted.", "600万人が投票した。"),
        ("Two hundred thousand marched.", "20万人が行進した。"),
        ("Twenty-five died in three days.", "3日間で二十五人が死亡した。"),
        ("Crashes in the past two decades.", "過去20年間の墜落。"),
        ("The two leaders met.", "両首脳が会談した。"),
        ("Two hundred and fifty thousand fled.", "25万人が避難した。"),
        ("Six thousand five hundred jobs were cut today.", "今日6500人の雇用が削減された。"),
        ("Twenty one people died.", "21人が死亡した。"),
        ("In the twenty-first century, two-thirds agreed.", "21世紀には3分の2が同意した。"),
        ("Between five and ten people were hurt.", "5人から10人が負傷した。"),
        ("No one watched Channel Four; one of them left.", "誰もチャンネル・フォーを見ず、そのうちの誰かが去った。"),
        ("Rates rose 0.25 percentage points.", "金利は0.25ポイント上昇した。"),
        ("Turnout was twenty-five percent, or 25 percent.", "投票率は二十五パーセント、つまり25パーセントだった。"),
        ("Talks run from Monday to Friday.", "協議は月曜日から金曜日まで続く。"),
        ("It opened on Thursday.", "20日（木）に開業した。"),
        ("Talks on Thursday.", "（日）木曜に協議。"),  # （日） alone is Japan, not Sunday
        ("It opened on Thursday.", "20日に開業した。"),  # a weekday written as a date is not checked
    ],
)
def test_numbers_in_japanese_forms_are_accepted(english: str, japanese: str) -> None:
    assert check_sentence(english, japanese) == []


@pytest.mark.parametrize(
    "english, japanese, flags",
    [
        (
            "It sold for £125m.",
            "12億5000万ポンドで売れた。",
            [Flag(Check.NUMBER, Severity.ERROR, "'125m' is not in the Japanese", en_span=(13, 17))],
        ),
        (
            "On Feb. 21, he left.",
            "3月21日に彼は去った。",
            [Flag(Check.NUMBER, Severity.ERROR, "'Feb. 21' is written 3月21日", en_span=(3, 10), ja_span=(0, 5))],
        ),
        (
            "On Feb. 21, he left.",
            "彼は去った。",
            [Flag(Check.NUMBER, Severity.ERROR, "'21' is not in the Japanese", en_span=(8, 10))],
        ),
        (
            "Between 200,000 and 750,000 weapons are smuggled.",
            "20万から7万5000丁の武器が密輸されている。",
            [Flag(Check.NUMBER, Severity.ERROR, "'750,000' is not in the Japanese", en_span=(20, 27))],
        ),
        (
            "Vietnam parliament approves $8 billion rail link",
            "ベトナム議会、8億ドルの鉄道建設を承認",
            [Flag(Check.NUMBER, Severity.ERROR, "'8 billion' is not in the Japanese", en_span=(29, 38))],
        ),
        (
            "Mexico is trying to avoid the sweeping 25-percent tariffs.",
            "メキシコは大幅な関税を回避しようとしている。",
            [Flag(Check.NUMBER, Severity.ERROR, "'25' is not in the Japanese", en_span=(39, 41))],
        ),
        (  # the model's own slip on NTREX: 6千万 is sixty million
            "Another six million people need aid.",
            "また、6千万人が援助を必要としている。",
            [Flag(Check.NUMBER, Severity.ERROR, "'six million' is not in the Japanese", en_span=(8, 19))],
        ),
        (  # a number in a compound adjective is still a number
            "A six-million-dollar deal was signed.",
            "60万ドルの契約が結ばれた。",
            [Flag(Check.NUMBER, Severity.ERROR, "'six-million' is not in the Japanese", en_span=(2, 13))],
        ),
        (  # a title-case headline: "Three" is a number, not a name
            "Storm Kills Three in Coastal Town",
            "嵐で沿岸の町で死者",
            [Flag(Check.NUMBER, Severity.WARNING, "'Three' is not in the Japanese", en_span=(12, 17))],
        ),
        (  # bare spelt-out numbers are sometimes absorbed by idiom: a warning
            "Ten years previously, a farmer died.",
            "前年、農家が亡くなった。",
            [Flag(Check.NUMBER, Severity.WARNING, "'Ten' is not in the Japanese", en_span=(0, 3))],
        ),
        (  # the model's slip on the seed page: the figure kept, the unit changed
            "Mexico is trying to avoid the sweeping 25-percent tariffs.",
            "メキシコは25°Cの関税を避けようとしている。",
            [Flag(Check.NUMBER, Severity.ERROR, "'25-percent' is not a percentage in the Japanese", en_span=(39, 49))],
        ),
        (
            "Prices rose 3.5 per cent and 2% in May.",
            "物価は3.5セント、5月は2%上昇した。",
            [Flag(Check.NUMBER, Severity.ERROR, "'3.5 per cent' is not a percentage in the Japanese", en_span=(12, 24))],
        ),
        (  # the model's slip on the seed page: a weekday moved (a warning: a desk may move it to Japan time)
            "Mexico's president warned the US on Thursday.",
            "メキシコ大統領は金曜日、米国に警告した。",
            [Flag(Check.NUMBER, Severity.WARNING, "'Thursday' is written 金曜 (another day)", en_span=(36, 44), ja_span=(8, 10))],
        ),
        (
            "Talks run from Monday to Friday.",
            "協議は月曜日から木曜日まで続く。",
            [Flag(Check.NUMBER, Severity.WARNING, "'Friday' is written 木曜 (another day)", en_span=(25, 31), ja_span=(8, 10))],
        ),
        (  # each missing day with its own wrong one, in order; capitals too
            "TALKS ON MONDAY AND TUESDAY",
            "協議は火曜日と水曜日に",
            [Flag(Check.NUMBER, Severity.WARNING, "'MONDAY' is written 水曜 (another day)", en_span=(9, 15), ja_span=(7, 9))],
        ),
    ],
)
def test_missing_or_changed_numbers_are_flagged(english: str, japanese: str, flags: list[Flag]) -> None:
    assert check_sentence(english, japanese) == flags


@pytest.mark.parametrize(
    "japanese, values",
    [
        ("1億2,500万ポンド", {Decimal(125_000_000), Decimal(1), Decimal(2500)}),
        ("８０億ドル", {Decimal(8_000_000_000), Decimal(80)}),
        ("二〇一九年に三千人", {Decimal(2019), Decimal(3000)}),
        ("3.5%と10:15", {Decimal("3.5"), Decimal(10), Decimal(15)}),
        ("数字なし", set()),
    ],
)
def test_japanese_values(japanese: str, values: set[Decimal]) -> None:
    assert japanese_values(japanese) == values


WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
         "seventeen eighteen nineteen").split()
TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def spelt_out(number: int, joiner: str = " and ") -> str:
    """1 to 999 as an English writer spells it: 45 → 'forty-five', 250 → 'two hundred and fifty'."""
    hundreds, rest = divmod(number, 100)
    head = f"{WORDS[hundreds - 1]} hundred" if hundreds else ""
    if rest < 20:
        tail = WORDS[rest - 1] if rest else ""
    else:
        tail = TENS[rest // 10 - 2] + (f"-{WORDS[rest % 10 - 1]}" if rest % 10 else "")
    return joiner.join(part for part in (head, tail) if part)


@given(
    st.integers(min_value=2, max_value=999),
    st.sampled_from([("", 1), (" thousand", 10**3), (" million", 10**6), (" billion", 10**9)]),
    st.sampled_from([" and ", " "]),
    st.integers(min_value=0, max_value=999),
)
def test_a_spelt_out_number_is_found_as_its_value_and_missed_without_it(number: int, scale, joiner: str, rest: int) -> None:
    # "two hundred and fifty", "six million", "Two million five hundred thousand" ...
    word, size = scale
    spelt = f"{spelt_out(number, joiner)}{word}" + (f" {spelt_out(rest, joiner)}" if size > 1 and rest > 1 else "")
    value = number * size + (rest if size > 1 and rest > 1 else 0)
    english = f"Officials said {spelt} people were affected."
    assert [f for f in check_sentence(english, f"当局によると{value:,}人が影響を受けた。") if f.check is Check.NUMBER] == []
    missed = [f for f in check_sentence(english, "当局によると多くの人が影響を受けた。") if f.check is Check.NUMBER]
    exact = size > 1 or number >= 100
    assert [(f.severity, f.en_span) for f in missed] == [(Severity.ERROR if exact else Severity.WARNING, (15, 15 + len(spelt)))]


@given(st.integers(min_value=1, max_value=10**15 - 1))
def test_any_integer_written_with_japanese_units_reads_back(number: int) -> None:
    # 123456789 → 1億2345万6789: the form style.py writes and a translator may use.
    parts, rest = [], number
    for unit, size in (("兆", 10**12), ("億", 10**8), ("万", 10**4)):
        if rest >= size:
            parts.append(f"{rest // size}{unit}")
            rest %= size
    if rest:
        parts.append(str(rest))
    assert Decimal(number) in japanese_values("約" + "".join(parts) + "人")
    # Only the number check's say: 約5兆人が来た。 is rightly "unusually short" beside "About 5,000,000,000,000 people came."
    flags = check_sentence(f"About {number:,} people came.", "約" + "".join(parts) + "人が来た。")
    assert [flag for flag in flags if flag.check is Check.NUMBER] == []


# -- English left in the Japanese -------------------------------------------------------


@pytest.mark.parametrize(
    "japanese",
    [
        "彼はFBIとU.S.海軍とC-SPANで働いている。",  # acronyms
        "ジョン・F・ケネディ大統領",  # an initial
        "彼は200mを走った。",  # a unit after a number
        "jo@samaritans.orgか@MerPolCCかweather.comへ。",  # addresses and handles
        "ルビオ氏はXで語った。",  # X is in the glossary
    ],
)
def test_allowed_latin_is_not_flagged(japanese: str) -> None:
    assert [f for f in check_sentence("Text.", japanese, glossary=GLOSSARY) if f.check is Check.ENGLISH_LEFT] == []


def test_english_left_in_the_japanese() -> None:
    flags = check_sentence(
        "Rubio watched it on six television networks.", "Rubio氏は6つのtelevision networksで観ていた。"
    )
    assert [f for f in flags if f.check is Check.ENGLISH_LEFT] == [
        Flag(
            Check.ENGLISH_LEFT,
            Severity.WARNING,
            "name in Latin letters: 'Rubio' (write it in katakana or add it to the glossary)",
            ja_span=(0, 5),
        ),
        Flag(Check.ENGLISH_LEFT, Severity.ERROR, "English left untranslated: 'television networks'", ja_span=(10, 29)),
    ]


def test_full_width_latin_counts_as_latin() -> None:
    assert summary(check_sentence("It was a hit.", "それはｈｉｔだった。")) == [
        ("english_left", "error", "English left untranslated: 'hit'")
    ]


# -- repetition, empty, truncated, length ------------------------------------------------


def test_repetition_loops() -> None:
    assert summary(
        check_sentence("The cartels are violent.", "カルテルは暴力的だ。カルテルは暴力的だ。カルテルは暴力的だ。")
    ) == [
        ("repetition", "error", "'カルテルは暴力的だ。' repeated 3 times"),
        (
            "length_ratio",
            "warning",
            "the Japanese is 1.25 times the English's length: unusually long (expected 0.25-1.0)",
        ),
    ]
    assert summary(check_sentence("It is so.", "それはははははそうだ。")) == [
        ("repetition", "error", "'は' repeated 5 times")
    ]
    assert summary(
        check_sentence(
            "He told reporters he had met the president after the talks in the city.",
            "彼は大統領と会談し、彼は大統領と会談した後、記者に彼は大統領と会談したと語った。",
        )
    ) == [("repetition", "error", "'彼は大統領と会談' occurs 3 times")]


@pytest.mark.parametrize(
    "english, japanese",
    [
        ("The cartels are growing.", "カルテルはどんどんますます大きくなっている。"),  # doubled words are Japanese
        ("No, no, no, he said.", "「いやいやいや」と彼は言った。"),  # the English repeats too
        ("It cost 1,000,000 yen.", "1000000円かかった。"),  # digits are not a loop
    ],
)
def test_ordinary_repeats_are_not_loops(english: str, japanese: str) -> None:
    assert [f for f in check_sentence(english, japanese) if f.check is Check.REPETITION] == []


def test_empty_output_gets_only_the_empty_flag() -> None:
    assert check_sentence("The 25 cartels are violent.", " ") == [
        Flag(Check.EMPTY, Severity.ERROR, "no Japanese for this sentence")
    ]
    assert check_sentence("", "") == []


def test_truncation() -> None:
    assert summary(check_sentence("Mexico says it won't.", "メキシコは受け入れないと述べ", truncated=True)) == [
        ("truncated", "error", "the engine cut this output at its length limit")
    ]
    assert check_sentence("Mexico says it won't.", "メキシコは受け入れないと述べ") == [
        Flag(Check.TRUNCATED, Severity.WARNING, "the Japanese stops mid-sentence", ja_span=(14, 14))
    ]
    # Headlines end without 。; a quotation may close in the next sentence.
    assert check_sentence("Mexico says it won't.", "メキシコ、受け入れず", is_headline=True) == []
    assert check_sentence('"They are playing.', "「遊んでいる。") == []


def test_length_ratio() -> None:
    assert summary(check_sentence("The cartels are violent and the government knows it well.", "カルテル。")) == [
        (
            "length_ratio",
            "warning",
            "the Japanese is 0.09 times the English's length: unusually short (expected 0.25-1.0)",
        )
    ]
    assert check_sentence("Yes.", "はい。") == []  # short English is not measured
    # A figure that rounds into the range is rounded away from it: 100 / 401 = 0.2494 reads 0.24, not 0.25.
    kanji = "".join(chr(0x4E00 + i) for i in range(100))  # no repeats
    (flag,) = check_sentence("a" * 400 + ".", kanji[:99] + "。")
    assert flag.message == "the Japanese is 0.24 times the English's length: unusually short (expected 0.25-1.0)"
    kanji = "".join(chr(0x4E00 + i) for i in range(250))
    (flag,) = check_sentence("a" * 249 + ".", kanji + "。")  # 251 / 250 = 1.004: 1.01, not 1.00
    assert flag.message == "the Japanese is 1.01 times the English's length: unusually long (expected 0.25-1.0)"


# -- glossary ------------------------------------------------------------------------


def test_glossary_terms() -> None:
    english = "Sheinbaum said the Sinaloa Cartel is strong."
    assert check_sentence(english, "シェインバウム氏は、シナロア・カルテルは強いと述べた。", glossary=GLOSSARY) == []
    assert check_sentence(english, "シャインバウム氏は、シナロアカルテルは強いと述べた。", glossary=GLOSSARY) == [
        Flag(Check.GLOSSARY, Severity.ERROR, "glossary: 'Sheinbaum' should be シェインバウム", en_span=(0, 9)),
        Flag(
            Check.GLOSSARY, Severity.ERROR, "glossary: 'Sinaloa cartel' should be シナロア・カルテル", en_span=(19, 33)
        ),
    ]


def test_find_terms_takes_plurals_and_possessives() -> None:
    found = find_terms("Sheinbaum's team and the Sinaloa cartels; Xavier", GLOSSARY)
    assert [(entry.english, span) for entry, span in found] == [("Sheinbaum", (0, 11)), ("Sinaloa cartel", (25, 40))]


def test_read_glossary(tmp_path: Path) -> None:
    entries = read_glossary(REPO / "seeds" / "glossary.csv")
    assert [(e.english, e.japanese) for e in entries] == [
        ("Sheinbaum", "シェインバウム"),
        ("Rubio", "ルビオ"),
        ("Sinaloa cartel", "シナロア・カルテル"),
        ("Jalisco New Generation cartel", "ハリスコ新世代カルテル"),
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("english,note\nRubio,x\n", encoding="utf-8")
    with pytest.raises(GlossaryFormatError, match=r"bad.csv: no column japanese"):
        read_glossary(bad)
    bad.write_text("english,japanese,note\nRubio,,x\n", encoding="utf-8")
    with pytest.raises(GlossaryFormatError, match=r"bad.csv, line 2: english and japanese are both required"):
        read_glossary(bad)


# -- the article -------------------------------------------------------------------------


def test_one_name_written_two_ways_in_an_article() -> None:
    pairs = [
        (
            "President Claudia Sheinbaum told a news conference.",
            "クラウディア・シェインバウム大統領は記者会見で語った。",
        ),
        SentencePair("Sheinbaum said Mexico would act.", "シェインボーム氏は、メキシコは行動すると述べた。"),
        ("Rubio agreed with Sheinbaum.", "ルビオ氏はシェインバウム氏に同意した。"),
    ]
    assert check_article(pairs) == [
        [],
        [
            Flag(
                Check.NAME_CONSISTENCY,
                Severity.WARNING,
                "Sheinbaum is written シェインボーム here but シェインバウム in sentence 1",
                ja_span=(0, 7),
            )
        ],
        [],
    ]


def test_article_runs_the_sentence_checks_and_keeps_names_apart() -> None:
    pairs = [
        SentencePair("Baja California braces for Rosa", "バハ・カリフォルニア、ローザに備え", is_headline=True),
        ("Rosa is 385 miles south of Baja California.", "ローザはバハカリフォルニアの南385マイルにある。"),
        ("Rosa moves north at 12 miles per hour.", "ローザは時速マイルで北上している。"),
    ]
    assert [summary(flags) for flags in check_article(pairs, GLOSSARY)] == [
        [],
        [],  # バハカリフォルニア holds カリフォルニア: a compound, not a second spelling
        [("number", "error", "'12' is not in the Japanese")],
    ]


# -- the done criterion -------------------------------------------------------------------


@pytest.mark.skipif(not NTREX.is_file(), reason="the shared corpus is not beside this checkout")
def test_number_check_rarely_fires_on_human_references() -> None:
    with NTREX.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE))
    flagged = sum(
        1 for row in rows if any(f.check is Check.NUMBER for f in check_sentence(row["en"].strip(), row["ja"].strip()))
    )
    assert len(rows) == 1007
    assert flagged / len(rows) < 0.02  # the target: under 2 per 100 sentences


# -- the measurement script ----------------------------------------------------------------


def test_qa_refs_reports_rates_and_examples(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(REPO / "bench"))
    import qa_refs

    dev = tmp_path / "dev.tsv"
    dev.write_text(
        "doc_id\ten\tja\n"
        "a\tSheinbaum wins 25% of the vote\tシェインバウム氏、25%を得票\n"
        "a\tSheinbaum said 480,000 people voted.\tシェインボーム氏は48万人が投票したと述べた。\n"
        "b\tRubio met X on Feb. 21.\tルビオ氏は2月21日にXと会った。\n",
        encoding="utf-8",
    )
    hyp = tmp_path / "hyp.txt"
    hyp.write_text(
        "シェインバウム氏、得票\nシェインバウム氏は48万人が投票したと述べた。\nRubio氏は3月21日に会った。\n",
        encoding="utf-8",
    )
    assert qa_refs.main(["--dev", str(dev), "--hyp", str(hyp), "--examples", "1"]) == 0
    out = capsys.readouterr().out
    assert f"{hyp}: 3 sentences, 2 documents" in out
    assert "number                     2    66.67   error 2" in out
    assert "english_left               1    33.33   warning 1" in out
    assert "name_consistency           0     0.00   -" in out
    assert "== number: 2 flags, 1 shown" in out

    assert qa_refs.main(["--dev", str(dev)]) == 0  # the references themselves
    out = capsys.readouterr().out
    assert "name_consistency           1    33.33   warning 1" in out
    assert "[3] warning: Sheinbaum is written シェインボーム here but シェインバウム in sentence 1" in out

    glossary = tmp_path / "glossary.csv"
    glossary.write_text("english,japanese,note\nRubio,ルビオ,\n", encoding="utf-8")
    edited = ["--dev", str(dev), "--hyp", str(hyp), "--glossary", str(glossary), "--examples", "0"]
    assert qa_refs.main([*edited, "--post-edit", "--sample", "2"]) == 0
    out = capsys.readouterr().out
    assert "english_left               0     0.00   -" in out  # Rubio氏 → ルビオ氏, as the batch writes it
    assert "== sample: 2 of 2 flags" in out
    assert "1. [2] number error: '25' is not in the Japanese" in out
    assert "    ja: ルビオ氏は3月21日に会った\n" in out  # a headline (first of its document): no 。

    hyp.write_text("一行だけ\n", encoding="utf-8")
    assert qa_refs.main(["--dev", str(dev), "--hyp", str(hyp)]) == 1
    assert capsys.readouterr().err == f"{hyp}: 1 lines for 3 dev sentences\n"


def test_the_rule_picks_the_threshold_that_warns_least_and_finds_four_bad_sentences_in_five(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.syspath_prepend(str(REPO / "bench"))
    import qa_refs

    # Ten sentences: 0-4 bad (chrF under 15); sentence 0 flagged by another check.
    chrf = [5.0] * 5 + [40.0] * 5
    scores = [-0.5, -1.32, -1.27, -1.21, -0.9, -1.6, -0.4, -0.3, -0.2, -0.1]
    hypotheses = [{"score": score} for score in scores]
    # Bad ones under -1.25: 1 and 2, with 0 from the other check 3 of 5; under -1.2, 3 too: 4 of 5.
    assert qa_refs.rule_threshold(hypotheses, chrf, 15.0, {0}) == -1.2
    assert qa_refs.rule_threshold(hypotheses, chrf, 15.0, set()) == -0.85  # sentence 4 (-0.9) is needed too
    assert qa_refs.rule_threshold([{"score": None}] * 10, chrf, 15.0, set()) is None


def test_a_glossary_term_left_in_latin_is_the_glossary_checks_to_report() -> None:
    assert summary(check_sentence("Rubio agreed.", "Rubio氏は同意した。", glossary=GLOSSARY)) == [
        ("glossary", "error", "glossary: 'Rubio' should be ルビオ")
    ]
    assert summary(check_sentence("He agreed.", "Rubio氏は同意した。", glossary=GLOSSARY)) == [
        ("english_left", "warning", "name in Latin letters: 'Rubio' (write it in katakana or add it to the glossary)")
    ]


POOL = [
    SentencePair("Sheinbaum met Trump on Friday.", "シェインバウム氏は金曜日にトランプ氏と会談した。"),
    SentencePair("Sheinbaum spoke.", "シャインバウム氏が話した。"),
    SentencePair("Prices rose 5%.", "物価が上昇した。"),
    SentencePair("Talks end", "協議終了", is_headline=True),
    SentencePair("It rained.", "", truncated=True),
]


@given(st.lists(st.sampled_from(POOL), max_size=12))
def test_a_repeated_sentence_is_checked_once_with_the_same_flags(pairs):
    """check_article reads a repeated pair once; the flags are what checking each one gives."""
    glossary = [GlossaryEntry("Trump", "トランプ")]
    expected = [
        check_sentence(p.english, p.japanese, glossary=glossary, truncated=p.truncated, is_headline=p.is_headline)
        for p in pairs
    ]
    flags = check_article(pairs, glossary)
    assert [[f for f in found if f.check is not Check.NAME_CONSISTENCY] for found in flags] == expected
    names = [[f for f in found if f.check is Check.NAME_CONSISTENCY] for found in flags]
    first = next((i for i, p in enumerate(pairs) if p.english.startswith("Sheinbaum")), None)
    for i, p in enumerate(pairs):
        # Each later Sheinbaum written differently from the first is flagged, and only those.
        differs = p.english.startswith("Sheinbaum") and p.japanese[:3] != pairs[first].japanese[:3]
        assert bool(names[i]) == (first is not None and i > first and differs)
