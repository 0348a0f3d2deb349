"""labutils: plotting, statistics, explorers and environment checks for the brian-labs course.

The Brian2 models live in the notebooks; this package holds only what would distract from them.
"""

from .analysis import fano_factor, firing_rates, isi_cv, membrane_stats, psp_amplitude
from .bands import binomial_count_band, critical_z, normal_band, poisson_count_band
from .exercises import (
    ExerciseError,
    NotAnswered,
    WrongAnswer,
    check_answer,
    chosen_among,
    expect,
    passed,
    require_answer,
    require_answers,
    short_brian2_errors,
    simulating,
)
from .explorer import Explorer, explore
from .fast import StandaloneModel
from .plotting import (
    plot_conductance,
    plot_population_rate,
    plot_raster,
    plot_trace,
    plot_v_histogram,
    update_trace,
    update_v_histogram,
)
from .settings import about, course_settings, prepare_session, use_projector_style
from .theory import shot_noise_stats

__version__ = "0.1.0"
__all__ = [
    "ExerciseError",
    "Explorer",
    "NotAnswered",
    "StandaloneModel",
    "WrongAnswer",
    "about",
    "binomial_count_band",
    "check_answer",
    "chosen_among",
    "course_settings",
    "critical_z",
    "expect",
    "explore",
    "fano_factor",
    "firing_rates",
    "isi_cv",
    "membrane_stats",
    "normal_band",
    "passed",
    "plot_conductance",
    "plot_population_rate",
    "plot_raster",
    "plot_trace",
    "plot_v_histogram",
    "poisson_count_band",
    "prepare_session",
    "psp_amplitude",
    "require_answer",
    "require_answers",
    "short_brian2_errors",
    "shot_noise_stats",
    "simulating",
    "update_trace",
    "update_v_histogram",
    "use_projector_style",
]
