from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends

from insikt_common.auth import Principal, Role, require_roles
from insikt_common.db import SessionDep
from reporting.benchmarks import kolada, repository
from reporting.benchmarks.schemas import KoladaImportRead, MappingRead, MappingWrite

router = APIRouter(prefix="/v1/benchmarks", tags=["benchmarks"])

AdminDep = Annotated[Principal, Depends(require_roles(Role.ADMIN))]


@router.post("/kolada")
def import_kolada(
    session: SessionDep, _admin: AdminDep, document: Annotated[dict[str, Any], Body()]
) -> KoladaImportRead:
    """Import a Kolada JSON document (v2/v3 ``values`` shape); figures already there are replaced."""
    figures = kolada.parse(document)
    repository.save_figures(session, figures)
    return KoladaImportRead(figures=len(figures), kpis=sorted({f.kpi for f in figures}))


@router.put("/mappings/{questionnaire_id}/{link_id}")
def map_question_to_kpi(
    questionnaire_id: str, link_id: str, body: MappingWrite, session: SessionDep, _admin: AdminDep
) -> MappingRead:
    """Compare a question's share positive with a Kolada KPI (a percentage)."""
    repository.save_mapping(session, questionnaire_id, link_id, body.kpi)
    return MappingRead(questionnaire_id=questionnaire_id, link_id=link_id, kpi=body.kpi)
