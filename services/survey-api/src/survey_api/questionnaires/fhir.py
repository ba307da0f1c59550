"""FHIR R4 Questionnaire and QuestionnaireResponse, to and from Insikt's shape. Pure functions.

Translations use the standard ``translation`` extension on ``_title``/``_text``/``_display``;
numeric option values the standard ``ordinalValue``; ranges ``minValue``/``maxValue``. What FHIR
has no element for (item kind, quality area, option order, positive, non-substantive) travels in
Insikt's own extensions, so an import of an export gives back exactly the same questionnaire.
"""

from typing import Any

from survey_api.questionnaires.schemas import AnswerOption, EnableWhen, Item, QuestionnaireContent, Translations

FHIR = "http://hl7.org/fhir/StructureDefinition"
INSIKT = "https://insikt.se/fhir/StructureDefinition"
TRANSLATION = f"{FHIR}/translation"
ORDINAL_VALUE = f"{FHIR}/ordinalValue"
MIN_VALUE = f"{FHIR}/minValue"
MAX_VALUE = f"{FHIR}/maxValue"
KIND = f"{INSIKT}/item-kind"
AREA = f"{INSIKT}/quality-area"
ORDER = f"{INSIKT}/option-order"
POSITIVE = f"{INSIKT}/option-positive"
NON_SUBSTANTIVE = f"{INSIKT}/option-non-substantive"
CODE_SYSTEM = "https://insikt.se/fhir/CodeSystem/answer"
CANONICAL = "https://insikt.se/fhir/Questionnaire"


class FhirError(ValueError):
    """The document is not a Questionnaire Insikt can take."""


# ---- export -------------------------------------------------------------------------------------


def questionnaire_to_fhir(
    content: QuestionnaireContent, *, questionnaire_id: str, version: int, published: bool
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": questionnaire_id,
        "url": f"{CANONICAL}/{questionnaire_id}",
        "version": str(version),
        "status": "active" if published else "draft",
        "language": "sv",
        "title": content.title,
    }
    if content.title_translation:
        document["_title"] = _translations(content.title_translation)
    document["item"] = [_item_to_fhir(i) for i in content.item]
    return document


def _item_to_fhir(item: Item) -> dict[str, Any]:
    out: dict[str, Any] = {"linkId": item.link_id, "text": item.text}
    if item.text_translation:
        out["_text"] = _translations(item.text_translation)
    out["type"] = item.type
    extensions: list[dict[str, Any]] = []
    if item.kind is not None:
        extensions.append({"url": KIND, "valueCode": item.kind})
    if item.area is not None:
        extensions.append({"url": AREA, "valueCode": item.area})
    if item.min_value is not None:
        extensions.append({"url": MIN_VALUE, "valueInteger": item.min_value})
    if item.max_value is not None:
        extensions.append({"url": MAX_VALUE, "valueInteger": item.max_value})
    if extensions:
        out["extension"] = extensions
    if item.required:
        out["required"] = True
    if item.max_length is not None:
        out["maxLength"] = item.max_length
    if item.enable_when:
        out["enableWhen"] = [_condition_to_fhir(c) for c in item.enable_when]
        if len(item.enable_when) > 1:
            out["enableBehavior"] = item.enable_behavior
    if item.answer_option:
        out["answerOption"] = [_option_to_fhir(o) for o in item.answer_option]
    if item.item:
        out["item"] = [_item_to_fhir(i) for i in item.item]
    return out


def _option_to_fhir(option: AnswerOption) -> dict[str, Any]:
    coding: dict[str, Any] = {"system": CODE_SYSTEM, "code": option.code, "display": option.display}
    if option.display_translation:
        coding["_display"] = _translations(option.display_translation)
    extensions: list[dict[str, Any]] = [{"url": ORDER, "valueInteger": option.order}]
    if option.positive:
        extensions.append({"url": POSITIVE, "valueBoolean": True})
    if option.non_substantive:
        extensions.append({"url": NON_SUBSTANTIVE, "valueBoolean": True})
    if option.value is not None:
        extensions.append({"url": ORDINAL_VALUE, "valueDecimal": option.value})
    return {"extension": extensions, "valueCoding": coding}


def _condition_to_fhir(condition: EnableWhen) -> dict[str, Any]:
    out: dict[str, Any] = {"question": condition.question, "operator": condition.operator}
    if condition.answer_code is not None:
        out["answerCoding"] = {"system": CODE_SYSTEM, "code": condition.answer_code}
    if condition.answer_integer is not None:
        out["answerInteger"] = condition.answer_integer
    if condition.answer_boolean is not None:
        out["answerBoolean"] = condition.answer_boolean
    return out


def _translations(translations: Translations) -> dict[str, Any]:
    return {
        "extension": [
            {
                "url": TRANSLATION,
                "extension": [{"url": "lang", "valueCode": lang}, {"url": "content", "valueString": text}],
            }
            for lang, text in sorted(translations.items())
        ]
    }


# ---- import -------------------------------------------------------------------------------------


def questionnaire_from_fhir(document: dict[str, Any]) -> QuestionnaireContent:
    """Insikt's shape of a FHIR Questionnaire (validated like any questionnaire; ValueError if not)."""
    if document.get("resourceType") != "Questionnaire":
        raise FhirError("resourceType must be Questionnaire")
    title = document.get("title") or document.get("name")
    if not isinstance(title, str) or not isinstance(document.get("item"), list):
        raise FhirError("a Questionnaire needs a title and items")
    return QuestionnaireContent.model_validate(
        {
            "title": title,
            "titleTranslation": _translations_from(document.get("_title")),
            "item": [_item_from_fhir(i) for i in document["item"]],
        }
    )


def _item_from_fhir(raw: dict[str, Any]) -> dict[str, Any]:
    fhir_type = raw.get("type")
    if fhir_type not in {"group", "choice", "integer", "string", "text"}:
        raise FhirError(f"item {raw.get('linkId')}: type {fhir_type!r} is not supported")
    extensions = {e.get("url"): e for e in raw.get("extension", [])}
    item: dict[str, Any] = {
        "linkId": raw.get("linkId"),
        "text": raw.get("text"),
        "textTranslation": _translations_from(raw.get("_text")),
        "type": fhir_type,
        "required": bool(raw.get("required", False)),
    }
    if KIND in extensions:
        item["kind"] = extensions[KIND]["valueCode"]
    if AREA in extensions:
        item["area"] = extensions[AREA]["valueCode"]
    if MIN_VALUE in extensions:
        item["minValue"] = extensions[MIN_VALUE]["valueInteger"]
    if MAX_VALUE in extensions:
        item["maxValue"] = extensions[MAX_VALUE]["valueInteger"]
    if "maxLength" in raw:
        item["maxLength"] = raw["maxLength"]
    if raw.get("enableWhen"):
        item["enableWhen"] = [_condition_from_fhir(c) for c in raw["enableWhen"]]
        item["enableBehavior"] = raw.get("enableBehavior", "all")
    if raw.get("answerOption"):
        item["answerOption"] = [_option_from_fhir(o, n) for n, o in enumerate(raw["answerOption"], start=1)]
    if raw.get("item"):
        item["item"] = [_item_from_fhir(i) for i in raw["item"]]
    return item


def _option_from_fhir(raw: dict[str, Any], position: int) -> dict[str, Any]:
    coding = raw.get("valueCoding")
    if not isinstance(coding, dict):
        raise FhirError("only valueCoding answer options are supported")
    extensions = {e.get("url"): e for e in raw.get("extension", [])}
    option: dict[str, Any] = {
        "code": coding.get("code"),
        "display": coding.get("display") or coding.get("code"),
        "displayTranslation": _translations_from(coding.get("_display")),
        "order": extensions.get(ORDER, {}).get("valueInteger", position),
        "positive": extensions.get(POSITIVE, {}).get("valueBoolean", False),
        "nonSubstantive": extensions.get(NON_SUBSTANTIVE, {}).get("valueBoolean", False),
    }
    if ORDINAL_VALUE in extensions:
        option["value"] = extensions[ORDINAL_VALUE]["valueDecimal"]
    return option


def _condition_from_fhir(raw: dict[str, Any]) -> dict[str, Any]:
    condition: dict[str, Any] = {"question": raw.get("question"), "operator": raw.get("operator")}
    if "answerCoding" in raw:
        condition["answerCode"] = raw["answerCoding"].get("code")
    if "answerInteger" in raw:
        condition["answerInteger"] = raw["answerInteger"]
    if "answerBoolean" in raw:
        condition["answerBoolean"] = raw["answerBoolean"]
    return condition


def _translations_from(element: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for extension in (element or {}).get("extension", []):
        if extension.get("url") != TRANSLATION:
            continue
        parts = {p.get("url"): p for p in extension.get("extension", [])}
        lang, content = parts.get("lang", {}).get("valueCode"), parts.get("content", {}).get("valueString")
        if isinstance(lang, str) and isinstance(content, str):
            found[lang] = content
    return found


# ---- responses ----------------------------------------------------------------------------------


def response_to_fhir(
    *,
    response_id: str,
    questionnaire_id: str,
    version: int,
    submitted_on: str,
    items: list[Item],
    answers: list[dict[str, Any]],
) -> dict[str, Any]:
    """A QuestionnaireResponse: answers nested as the questionnaire's groups are; ``authored`` is a date."""
    by_link = {a["link_id"]: a for a in answers}
    return {
        "resourceType": "QuestionnaireResponse",
        "id": response_id,
        "questionnaire": f"{CANONICAL}/{questionnaire_id}|{version}",
        "status": "completed",
        "authored": submitted_on,
        "item": _answered(items, by_link),
    }


def _answered(items: list[Item], by_link: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        if item.type == "group":
            if children := _answered(item.item, by_link):
                out.append({"linkId": item.link_id, "item": children})
            continue
        answer = by_link.get(item.link_id)
        if answer is None:
            continue
        out.append({"linkId": item.link_id, "answer": [_value(item, answer)]})
    return out


def _value(item: Item, answer: dict[str, Any]) -> dict[str, Any]:
    if answer.get("code") is not None:
        display = next((o.display for o in item.answer_option if o.code == answer["code"]), None)
        coding = {"system": CODE_SYSTEM, "code": answer["code"]}
        return {"valueCoding": coding | ({"display": display} if display else {})}
    if answer.get("number") is not None:
        return {"valueInteger": int(answer["number"])}
    return {"valueString": answer.get("text", "")}
