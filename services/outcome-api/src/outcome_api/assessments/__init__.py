"""Assessments: repeated scorings of a participant's areas, the raw material of outcome reports."""
