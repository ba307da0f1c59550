"""Access to a survey: one-time codes per unit, or an open link per unit, both rate limited."""
