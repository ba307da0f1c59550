"""Checking answers against a questionnaire's items: pure functions, no I/O."""

from insikt_common.contracts.survey import AnswerValue
from insikt_common.errors import field_error
from survey_api.questionnaires.schemas import EnableWhen, Item

Gate = tuple[list[EnableWhen], str]
"""The conditions of one item or group, and whether ``all`` or ``any`` of them must hold."""


def answerable(items: list[Item], gates: tuple[Gate, ...] = ()) -> list[tuple[Item, tuple[Gate, ...]]]:
    """The answerable items in order, each with its own and its groups' enableWhen conditions."""
    out: list[tuple[Item, tuple[Gate, ...]]] = []
    for item in items:
        own = (*gates, (item.enable_when, item.enable_behavior)) if item.enable_when else gates
        if item.type == "group":
            out.extend(answerable(item.item, own))
        else:
            out.append((item, own))
    return out


def is_enabled(gates: tuple[Gate, ...], given: dict[str, AnswerValue]) -> bool:
    """Every gate holds: FHIR enableWhen, where an unanswered question satisfies only ``exists false``."""
    for conditions, behavior in gates:
        results = [_holds(c, given.get(c.question)) for c in conditions]
        if not (all(results) if behavior == "all" else any(results)):
            return False
    return True


def _holds(condition: EnableWhen, answer: AnswerValue | None) -> bool:
    if condition.operator == "exists":
        return (answer is not None) == condition.answer_boolean
    if answer is None:
        return False
    expected: object = condition.answer_code if condition.answer_code is not None else condition.answer_integer
    actual: object = answer.get("code") if condition.answer_code is not None else answer.get("number")
    return (actual == expected) if condition.operator == "=" else (actual != expected)


def answer_errors(items: list[Item], answers: list[AnswerValue], max_text: int) -> list[dict[str, str]]:
    """Every problem with ``answers``, one message per item (empty when they are valid)."""
    flat = answerable(items)
    by_link = {item.link_id: (item, gates) for item, gates in flat}
    errors: list[dict[str, str]] = []
    given: dict[str, AnswerValue] = {}
    for index, answer in enumerate(answers):
        where = f"answers.{index}"
        link_id = answer["link_id"]
        if link_id not in by_link:
            errors.append(field_error(f"{where}.link_id", f"unknown linkId {link_id!r}"))
            continue
        if link_id in given:
            errors.append(field_error(f"{where}.link_id", f"{link_id!r} answered twice"))
            continue
        given[link_id] = answer
        item, _ = by_link[link_id]
        if (problem := _value_problem(item, answer, max_text)) is not None:
            errors.append(field_error(where, f"{link_id}: {problem}"))
    for item, gates in flat:
        enabled = is_enabled(gates, given)
        if item.link_id in given and not enabled:
            index = answers.index(given[item.link_id])
            errors.append(field_error(f"answers.{index}", f"{item.link_id}: not asked given the earlier answers"))
        elif item.required and enabled and item.link_id not in given:
            errors.append(field_error("answers", f"required item {item.link_id!r} is missing"))
    return errors


def _value_problem(item: Item, answer: AnswerValue, max_text: int) -> str | None:
    code, number, text = answer.get("code"), answer.get("number"), answer.get("text")
    if sum(v is not None for v in (code, number, text)) != 1:
        return "give exactly one of code, number or text"
    if item.type == "choice":
        codes = [o.code for o in item.answer_option]
        return None if code in codes else f"code must be one of {', '.join(codes)}"
    if item.type == "integer":
        if number is None or number != int(number):
            return "number must be a whole number"
        low, high = item.min_value, item.max_value
        if (low is not None and number < low) or (high is not None and number > high):
            return f"number must be between {low} and {high}"
        return None
    if text is None:
        return "text is required for a free-text item"
    limit = min(max_text, item.max_length or max_text)
    return f"text must be at most {limit} characters" if len(text) > limit else None
