"""labutils: plotting, statistics, explorers and environment checks for the brian-labs course.

The Brian2 models live in the notebooks; this package holds only what would distract from them.
"""
from .analysis import (fano_factor, firing_rates, isi_cv, membrane_stats, population_rate,
                       psp_amplitude, shot_noise_stats, smoothed_rate)
from .bands import binomial_count_band, critical_z, normal_band, poisson_count_band
from .exercises import check_answer
from .explorer import Explorer, explore
from .fast import StandaloneModel
from .plotting import (plot_conductance, plot_population_rate, plot_raster, plot_trace,
                       plot_v_histogram)
from .settings import about, course_settings, use_projector_style

__version__ = "0.1.0"
__all__ = [
    "Explorer", "about", "binomial_count_band", "check_answer", "critical_z",
    "course_settings", "explore", "fano_factor", "firing_rates", "isi_cv", "membrane_stats",
    "normal_band", "plot_conductance", "plot_population_rate", "plot_raster", "plot_trace",
    "plot_v_histogram", "poisson_count_band", "population_rate", "psp_amplitude",
    "shot_noise_stats", "smoothed_rate", "StandaloneModel", "use_projector_style",
]
