"""Interventions (insatser, placeringar): what a participant receives, where, and how it ended."""
