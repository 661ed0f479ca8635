"""English wording of counts in messages and summaries: '1 article', '2 articles'.

Every noun counted in the product's messages takes a plain "s" plural
(article, page, sentence, line, term, file), so no inflection table is needed.
"""

from __future__ import annotations


def plural(noun: str, number: int) -> str:
    """`noun` as it reads after `number`: plural('line', 1) == 'line', plural('line', 0) == 'lines'."""
    return noun + "s" * (number != 1)


def count(number: int, noun: str) -> str:
    """'1 page', '2 pages', '0 pages'."""
    return f"{number} {plural(noun, number)}"
