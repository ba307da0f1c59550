"""Rounds (undersökningsomgångar): a questionnaire version, a period and the participating units."""
