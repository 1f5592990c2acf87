"""A category's extra questions (Open311 service-definition attributes) and their answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gridwork.domain.errors import InvalidInput

DATATYPES = frozenset({"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"})
MAX_ANSWER = 1000

Answer = str | list[str]


@dataclass(frozen=True)
class Question:
    """One extra question of a category."""

    code: str
    datatype: str
    required: bool
    description: str
    position: int
    choices: tuple[tuple[str, str], ...] = ()


def check_answers(questions: list[Question], answers: dict[str, Answer]) -> dict[str, Answer]:
    """Answers that fit the questions (unknown codes refused, required ones present)."""
    by_code = {q.code: q for q in questions}
    unknown = sorted(set(answers) - set(by_code))
    if unknown:
        raise InvalidInput(f"unknown attribute {unknown[0]!r}", field=f"attribute[{unknown[0]}]")
    clean: dict[str, Answer] = {}
    for question in sorted(questions, key=lambda q: q.position):
        value = answers.get(question.code)
        if value in (None, "", []):
            if question.required:
                raise InvalidInput(
                    f"attribute {question.code!r} is required: {question.description}",
                    field=f"attribute[{question.code}]",
                )
            continue
        assert value is not None
        clean[question.code] = _check(question, value)
    return clean


def _check(question: Question, value: Answer) -> Answer:
    field = f"attribute[{question.code}]"
    keys = {key for key, _ in question.choices}
    if question.datatype == "multivaluelist":
        values = value if isinstance(value, list) else [value]
        bad = [v for v in values if v not in keys]
        if bad:
            raise InvalidInput(f"{bad[0]!r} is not a choice of {question.code!r}", field=field)
        return values
    if isinstance(value, list):
        if len(value) != 1:
            raise InvalidInput(f"attribute {question.code!r} takes one value", field=field)
        value = value[0]
    if len(value) > MAX_ANSWER:
        raise InvalidInput(f"attribute {question.code!r} is too long", field=field)
    if question.datatype == "singlevaluelist" and value not in keys:
        raise InvalidInput(f"{value!r} is not a choice of {question.code!r}", field=field)
    if question.datatype == "number":
        try:
            float(value)
        except ValueError:
            raise InvalidInput(
                f"attribute {question.code!r} must be a number", field=field
            ) from None
    if question.datatype == "datetime":
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput(
                f"attribute {question.code!r} must be an ISO 8601 date and time", field=field
            ) from None
    return value
