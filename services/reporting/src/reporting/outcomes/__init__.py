"""Outcome results: participants and assessments per unit, instrument area and occasion."""
