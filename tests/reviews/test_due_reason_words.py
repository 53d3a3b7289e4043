"""The words of a due date's reason count reviews in English: "the 21st review", never "21th"
(reviews.due_reasons.ordinal, shared with the conferences' reasons)."""

import pytest

from reviews.due_reasons import ordinal


@pytest.mark.parametrize(
    ("n", "word"),
    [
        (1, "first"),
        (2, "second"),
        (3, "third"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (101, "101st"),
        (111, "111th"),
        (112, "112th"),
    ],
)
def test_a_reviews_number_is_written_in_english(n, word):
    assert ordinal(n) == word
