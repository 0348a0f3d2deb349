"""A graded term withholds the answer key: the check says "recorded for grading" in one line.

`course.py publish` replaces the key record of each graded answer with
``labutils.exercises.WITHHELD_RECORD``; ``lu.check_answer`` then prints one line instead of
checking (nbgrader grades the answer with the instructor's full key).
"""

import json

import pytest
from brian2 import Hz

import labutils as lu
from labutils import exercises


@pytest.fixture
def withheld(tmp_path, monkeypatch):
    answers = tmp_path / "answers"
    answers.mkdir()
    (answers / "99_test.json").write_text(json.dumps({"nu_few": exercises.WITHHELD_RECORD}))
    monkeypatch.setattr(exercises, "ANSWER_DIR", answers)
    exercises._answer_key.cache_clear()
    yield
    exercises._answer_key.cache_clear()


@pytest.mark.parametrize("answer", [1 * Hz, 25 * Hz, 3.0, [1, 2]], ids=str)
def test_a_withheld_answer_is_recorded_for_grading_in_one_line(withheld, capsys, answer):
    assert lu.check_answer("nu_few", answer, sig=2) is None
    assert capsys.readouterr().out == (
        "nu_few: recorded for grading (this term's answer key stays with the instructor)\n"
    )


def test_an_unanswered_withheld_answer_still_asks_for_an_answer(withheld):
    with pytest.raises(lu.NotAnswered, match="nu_few: not answered yet"):
        lu.check_answer("nu_few", ..., sig=2)


def test_a_name_missing_from_the_key_still_fails(withheld):
    with pytest.raises(LookupError, match="no answer key for 'other'"):
        lu.check_answer("other", 1 * Hz, sig=2)
