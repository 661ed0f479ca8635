"""Japanese news style: exact rewrites and issues for concrete text, and the rules' invariants."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translator.quality.style import StyleIssue, StyleRule, apply_news_style, japanese_number, style_issues


@pytest.mark.parametrize(
    "text, styled",
    [
        # quotes
        ('彼は"はい"と言った。', "彼は「はい」と言った。"),
        ("彼は“はい”と言った。", "彼は「はい」と言った。"),
        ("米国の'侵略'を容認せず", "米国の「侵略」を容認せず"),
        ("「彼は「はい」と言った」と記者は書いた。", "「彼は『はい』と言った」と記者は書いた。"),
        ("『ジョニー・イングリッシュ』を見た。", "『ジョニー・イングリッシュ』を見た。"),  # a title stays
        ("Sainsbury'sが店を開いた。", "Sainsbury'sが店を開いた。"),  # an apostrophe stays
        ('"遊んでいるだけだ。', "「遊んでいるだけだ。"),  # a quotation that goes on
        ('これで終わりだ。"', "これで終わりだ」"),  # ... and ends in a later sentence
        ("「私は怒っているのです。」と述べた。", "「私は怒っているのです」と述べた。"),
        # punctuation
        ("東京，大阪．", "東京、大阪。"),
        ("中国は計画を導入した: 2030年までに1番を目指す!", "中国は計画を導入した：2030年までに1番を目指す！"),
        ("カトリーナ(1967)は勢力を保った.", "カトリーナ（1967）は勢力を保った。"),
        ("AM (Assembly Member) からMWPに", "AM（Assembly Member）からMWPに"),
        ("公開した - そして間に合った", "公開した―そして間に合った"),
        ("U.S.は3.5%と10:15に発表した", "U.S.は3.5%と10:15に発表した"),  # ASCII beside Latin and digits
        ("そして...彼は去った", "そして...彼は去った"),
        # width
        ("ＡＩとＥＵが２５％増えた", "AIとEUが25%増えた"),
        ("ｶﾀｶﾅとﾃﾞｼﾞﾀﾙ｡", "カタカナとデジタル。"),
        # spacing
        ("2014 年以降、CNN では 105 万人に増えた", "2014年以降、CNNでは105万人に増えた"),
        ("マイク ペンス副大統領は weather.com を見た", "マイク・ペンス副大統領はweather.comを見た"),
        ("Fox News Channelが報じた", "Fox News Channelが報じた"),
        # numbers
        ("約480,000人が死亡した", "約48万人が死亡した"),
        ("1,234,567人と10000人", "123万4567人と1万人"),
        ("1,500億円と3,000人と2万3,456人", "1500億円と3000人と2万3456人"),
        ("1,000,000,000,000円", "1兆円"),
        ("$15,000と電話0120-12345とA380と2019年", "$15,000と電話0120-12345とA380と2019年"),
    ],
)
def test_apply_news_style(text: str, styled: str) -> None:
    assert apply_news_style(text) == styled


def test_headlines_lose_their_final_full_stop() -> None:
    assert apply_news_style('メキシコ、米国の"侵略"を容認せず。', headline=True) == "メキシコ、米国の「侵略」を容認せず"
    assert apply_news_style("メキシコ、米国の侵略を容認せず。") == "メキシコ、米国の侵略を容認せず。"


def test_style_issues_name_rule_span_and_suggestion() -> None:
    text = '彼は"はい"と言った. 約480,000人'
    assert style_issues(text) == [
        StyleIssue(StyleRule.QUOTES, 2, 3, '"', "「"),
        StyleIssue(StyleRule.QUOTES, 5, 6, '"', "」"),
        StyleIssue(StyleRule.PUNCTUATION, 10, 11, ".", "。"),
        StyleIssue(StyleRule.SPACING, 11, 12, " ", ""),
        StyleIssue(StyleRule.NUMBERS, 13, 20, "480,000", "48万"),
    ]
    assert style_issues(text)[-1].message == "万/億/兆 from 10,000 up, no thousands commas: '480,000' → '48万'"
    assert style_issues("メキシコは受け入れない。", headline=True) == [
        StyleIssue(StyleRule.HEADLINE_END, 11, 12, "。", "")
    ]
    assert style_issues("「彼は『はい』と言った」と記者は書いた。") == []


@pytest.mark.parametrize(
    "number, written",
    [
        (0, "0"),
        (9999, "9999"),
        (10000, "1万"),
        (1234567, "123万4567"),
        (105_000_000, "1億500万"),
        (100_005_000, "1億5000"),
        (8 * 10**9, "80億"),
    ],
)
def test_japanese_number(number: int, written: str) -> None:
    assert japanese_number(number) == written


# Pieces that exercise every rule, joined at random.
PIECES = list("あ漢カタ人万億AbZ19,.!?:;()\"'“”‘’「」『』 ，．。、Ａｚ１％%ｶﾞ｡$-–—@") + [
    "12,345", "10000", "1,500", "3.5", "U.S.", "...", "」。", "123456", "1,234,567", "ＡＩ", "'s", " - ", "--",
]  # fmt: skip
texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


@settings(max_examples=500, deadline=None)
@given(texts, st.booleans())
def test_style_is_idempotent(text: str, headline: bool) -> None:
    once = apply_news_style(text, headline=headline)
    assert apply_news_style(once, headline=headline) == once
    assert style_issues(once, headline=headline) == []


@settings(max_examples=500, deadline=None)
@given(texts, st.booleans())
def test_issues_exactly_when_style_changes_the_text(text: str, headline: bool) -> None:
    issues = style_issues(text, headline=headline)
    assert (issues == []) == (apply_news_style(text, headline=headline) == text)
    for issue in issues:
        assert text[issue.start : issue.end] == issue.found != issue.suggestion


@given(st.integers(min_value=10_000, max_value=10**15))
def test_grouped_numbers_become_japanese_units(number: int) -> None:
    assert apply_news_style(f"約{number:,}人") == f"約{japanese_number(number)}人"
