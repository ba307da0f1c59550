"""Dates and endings of an intervention: pure checks, one message per problem, named by field."""

from datetime import date

from insikt_common.errors import field_error


def intervention_errors(
    started_on: date, ended_on: date | None, ending: str | None, *, today: date
) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    if ended_on is not None and ended_on < started_on:
        errors.append(field_error("ended_on", "must not be before started_on"))
    if ended_on is not None and ended_on > today:
        errors.append(field_error("ended_on", "must not be in the future"))
    if ended_on is not None and ending is None:
        errors.append(field_error("ending", "say how the intervention ended when ended_on is given"))
    if ended_on is None and ending is not None:
        errors.append(field_error("ended_on", "give the end date together with the ending"))
    return errors
