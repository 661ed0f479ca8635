"""The English wording of counts that every message and summary shares."""

from hypothesis import given, strategies as st

from translator.core.wording import count, plural


def test_one_is_singular_and_every_other_number_is_plural():
    assert [count(n, "article") for n in (0, 1, 2)] == ["0 articles", "1 article", "2 articles"]
    assert plural("line", 1) == "line"
    assert plural("line", 3) == "lines"


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["page", "sentence", "term", "file"]))
def test_count_is_the_number_then_the_noun_as_it_reads_after_it(number, noun):
    assert count(number, noun) == f"{number} {plural(noun, number)}"
    assert plural(noun, number) == (noun if number == 1 else noun + "s")
