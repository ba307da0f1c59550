"""Checking answers against a questionnaire's items: pure functions, no I/O."""

from insikt_common.contracts.survey import AnswerValue
from insikt_common.errors import field_error
from survey_api.questionnaires.schemas import Item


def answer_errors(items: list[Item], answers: list[AnswerValue], max_text: int) -> list[dict[str, str]]:
    """Every problem with ``answers``, one message per item (empty when they are valid)."""
    by_link = {item.link_id: item for item in items}
    errors: list[dict[str, str]] = []
    seen: set[str] = set()
    for index, answer in enumerate(answers):
        where = f"answers.{index}"
        item = by_link.get(answer.link_id)
        if item is None:
            errors.append(field_error(f"{where}.link_id", f"unknown linkId {answer.link_id!r}"))
            continue
        if answer.link_id in seen:
            errors.append(field_error(f"{where}.link_id", f"{answer.link_id!r} answered twice"))
            continue
        seen.add(answer.link_id)
        if (problem := _value_problem(item, answer, max_text)) is not None:
            errors.append(field_error(where, f"{answer.link_id}: {problem}"))
    for item in items:
        if item.required and item.link_id not in seen:
            errors.append(field_error("answers", f"required item {item.link_id!r} is missing"))
    return errors


def _value_problem(item: Item, answer: AnswerValue, max_text: int) -> str | None:
    given = [v for v in (answer.code, answer.number, answer.text) if v is not None]
    if len(given) != 1:
        return "give exactly one of code, number or text"
    if item.type == "choice":
        codes = [o.code for o in item.answer_option]
        return None if answer.code in codes else f"code must be one of {', '.join(codes)}"
    if item.type == "integer":
        if answer.number is None or answer.number != int(answer.number):
            return "number must be a whole number"
        low, high = item.min_value, item.max_value
        if (low is not None and answer.number < low) or (high is not None and answer.number > high):
            return f"number must be between {low} and {high}"
        return None
    if answer.text is None:
        return "text is required for a free-text item"
    return f"text must be at most {max_text} characters" if len(answer.text) > max_text else None
