"""Anonymous responses: validated against the questionnaire, idempotent by submission id."""
