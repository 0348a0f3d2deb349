"""labutils: plotting, statistics, explorers and environment checks for the brian-labs course.

The Brian2 models live in the notebooks; this package holds only what would distract from them.
"""
from .analysis import (fano_factor, firing_rates, isi_cv, membrane_stats, poisson_count_band,
                       population_rate, psp_amplitude, shot_noise_stats, smoothed_rate)
from .checks import ExerciseError, expect, passed, require_answers
from .exercises import NotAnswered, WrongAnswer, check_answer, require_answer
from .explorer import Explorer, explore
from .fast import StandaloneModel
from .plotting import (plot_conductance, plot_population_rate, plot_raster, plot_trace,
                       plot_v_histogram)
from .settings import about, course_settings, use_projector_style

__version__ = "0.1.0"
__all__ = [
    "ExerciseError", "Explorer", "NotAnswered", "WrongAnswer", "about", "check_answer",
    "course_settings", "explore", "fano_factor", "firing_rates", "isi_cv", "require_answer",
    "membrane_stats", "plot_conductance", "plot_population_rate", "plot_raster", "plot_trace",
    "plot_v_histogram", "poisson_count_band", "population_rate", "psp_amplitude",
    "shot_noise_stats", "smoothed_rate", "StandaloneModel", "use_projector_style",
    "expect", "passed", "require_answers",
]
