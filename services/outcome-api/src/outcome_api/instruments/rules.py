"""Checking an instrument definition before it is published: pure, one message per problem."""

from collections.abc import Mapping, Sequence

from insikt_common.errors import field_error


def definition_errors(
    minimum: int, maximum: int, anchors: Mapping[int, str], codes: Sequence[str]
) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    if minimum >= maximum:
        errors.append(field_error("scale.maximum", "must be greater than scale.minimum"))
    errors.extend(
        field_error(f"scale.anchors.{point}", f"must be a point of the scale {minimum}–{maximum}")
        for point in anchors
        if not minimum <= point <= maximum
    )
    seen: set[str] = set()
    for index, code in enumerate(codes):
        if code in seen:
            errors.append(field_error(f"areas.{index}.code", f"area {code!r} is given twice"))
        seen.add(code)
    return errors
