from sqlmodel import Field

from survey_api.models import SurveyTable


class Unit(SurveyTable, table=True):
    id: str = Field(primary_key=True, max_length=64)
    """Stable across services (Kolada-style or ``<municipality>-<local>``)."""
    organisation_id: str = Field(max_length=64, index=True)
    name: str = Field(max_length=200)
    type: str = Field(max_length=64)
    municipality_code: str = Field(max_length=4)
