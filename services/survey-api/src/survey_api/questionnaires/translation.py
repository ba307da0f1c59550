"""Serving a questionnaire in the respondent's language, falling back to Swedish. Pure functions."""

from survey_api.questionnaires.schemas import DEFAULT_LANGUAGE, AnswerOption, Item, QuestionnaireContent, walk


def languages_of(content: QuestionnaireContent) -> set[str]:
    found = {DEFAULT_LANGUAGE, *content.title_translation}
    for item in walk(content.item):
        found.update(item.text_translation)
        for option in item.answer_option:
            found.update(option.display_translation)
    return found


def choose_language(requested: str | None, accept_language: str | None, available: set[str]) -> str:
    """``?lang=`` first, then ``Accept-Language`` by quality (``en-GB`` matches ``en``), else Swedish."""
    wanted: list[str] = []
    if requested:
        wanted.append(requested.strip().lower())
    if accept_language:
        weighted: list[tuple[float, int, str]] = []
        for position, part in enumerate(accept_language.split(",")):
            tag, _, params = part.strip().partition(";")
            quality = 1.0
            if params.strip().startswith("q="):
                try:
                    quality = float(params.strip()[2:])
                except ValueError:
                    quality = 0.0
            if tag and quality > 0:
                weighted.append((-quality, position, tag.strip().lower()))
        wanted.extend(tag for _, _, tag in sorted(weighted))
    lowered = {a.lower(): a for a in available}
    for tag in wanted:
        if tag in lowered:
            return lowered[tag]
        if (primary := tag.split("-")[0]) in lowered:
            return lowered[primary]
    return DEFAULT_LANGUAGE


def localise(content: QuestionnaireContent, language: str) -> QuestionnaireContent:
    """Every text in ``language`` where a translation exists, Swedish where not; no translation maps."""
    return QuestionnaireContent(
        title=content.title_translation.get(language, content.title),
        item=[_item(i, language) for i in content.item],
    )


def _item(item: Item, language: str) -> Item:
    return item.model_copy(
        update={
            "text": item.text_translation.get(language, item.text),
            "text_translation": {},
            "answer_option": [_option(o, language) for o in item.answer_option],
            "item": [_item(i, language) for i in item.item],
        }
    )


def _option(option: AnswerOption, language: str) -> AnswerOption:
    return option.model_copy(
        update={"display": option.display_translation.get(language, option.display), "display_translation": {}}
    )
