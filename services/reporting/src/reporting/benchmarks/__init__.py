"""National and municipal benchmarks imported from Kolada, mapped to questions."""
