"""Questionnaires: FHIR Questionnaire-shaped, versioned, immutable once published."""
