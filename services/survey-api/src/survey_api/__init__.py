"""survey-api: anonymous survey intake."""
