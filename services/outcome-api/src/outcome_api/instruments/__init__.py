"""Instruments: the areas (livsområden) an assessment scores and the scale the scores live on."""
