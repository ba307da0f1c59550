"""Goals (effektmål) with Goal Attainment Scaling: levels −2…+2 and their status over time."""
