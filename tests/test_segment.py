import pytest

from translator.segment import join_sentences, split_sentences


@pytest.mark.parametrize(
    "text, sentences",
    [
        (
            "The U.S. Secretary of State spoke. Mr. Smith arrived at 10 a.m. on Friday.",
            ["The U.S. Secretary of State spoke.", "Mr. Smith arrived at 10 a.m. on Friday."],
        ),
        (
            "He lives at No. 10 Downing St. in London. Then he left.",
            ["He lives at No. 10 Downing St. in London.", "Then he left."],
        ),
        (
            '"We will never accept it," she said. "Never." The talks ended at 5 p.m.',
            ['"We will never accept it," she said.', '"Never."', "The talks ended at 5 p.m."],
        ),
        (
            "“We’re not going,” he said. “Not now.” Trump’s aides agreed.",
            ["“We’re not going,” he said.", "“Not now.”", "Trump’s aides agreed."],
        ),
        (
            "Shares rose 3.5 percent to $12.40. Gen. John Allen met Dr. Lee in St. Louis, Mo., on Jan. 5.",
            ["Shares rose 3.5 percent to $12.40.", "Gen. John Allen met Dr. Lee in St. Louis, Mo., on Jan. 5."],
        ),
        ("One sentence without a full stop", ["One sentence without a full stop"]),
        ("   ", []),
    ],
)
def test_news_sentences(text, sentences):
    assert split_sentences(text) == sentences


def test_join_by_language():
    assert join_sentences(["一。", "二。"], "ja") == "一。二。"
    assert join_sentences(["One.", "", "Two."], "en") == "One. Two."
