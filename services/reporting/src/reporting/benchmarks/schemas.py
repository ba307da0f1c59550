from pydantic import BaseModel, Field


class KoladaImportRead(BaseModel):
    figures: int
    kpis: list[str]


class MappingWrite(BaseModel):
    kpi: str = Field(min_length=1, max_length=32)


class MappingRead(BaseModel):
    questionnaire_id: str
    link_id: str
    kpi: str
