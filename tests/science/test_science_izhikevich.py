"""Izhikevich (2003) neuron classes, told apart by their inter-spike intervals (ISIs).

And a refractory period shorter than dt doing nothing.

Model with units: dv/dt = (0.04/mV v^2 + 5 v + 140 mV - u + I)/ms, du/dt = a (b v - u), spike at
v >= 30 mV, then v = c, u += d; constant input I = 10 mV from t = 0, v(0) = -65 mV, u(0) = b v(0).
Classes (a, b, c, d): RS (0.02/ms, 0.2, -65 mV, 8 mV), IB (0.02/ms, 0.2, -55 mV, 4 mV),
CH (0.02/ms, 0.2, -50 mV, 2 mV), FS (0.1/ms, 0.2, -65 mV, 2 mV).

Measured here (dt = 0.1 ms): RS ISIs 23.7 then 45.1 ms (adapts, ratio 1.9); FS 4.6, 6.3, 7.5, then
7.7 ms steady (it also slows, ratio 1.65, but within ~3 spikes and stays above 100 Hz); IB 2.5, 4.6
ms then single spikes every 31.5 ms; CH bursts of 5-6 spikes (ISIs 1.6-5 ms) separated by ~47 ms,
repeated. Deterministic: the tolerances cover other time steps (0.05 ms), not seeds.
"""

import numpy as np
import pytest
from brian2 import Network, NeuronGroup, SpikeMonitor, ms, mV

CLASSES = {  # a, b, c, d
    "RS": (0.02 / ms, 0.2, -65 * mV, 8 * mV),
    "IB": (0.02 / ms, 0.2, -55 * mV, 4 * mV),
    "CH": (0.02 / ms, 0.2, -50 * mV, 2 * mV),
    "FS": (0.10 / ms, 0.2, -65 * mV, 2 * mV),
}
EQS = """dv/dt = (0.04/mV*v**2 + 5*v + 140*mV - u + I)/ms : volt
         du/dt = a*(b*v - u) : volt
         a : 1/second (constant)
         b : 1 (constant)
         c : volt (constant)
         d : volt (constant)"""
DURATION = 500 * ms


def _isis(dt):
    group = NeuronGroup(
        len(CLASSES), EQS, threshold="v >= 30*mV", reset="v = c; u += d", method="euler", dt=dt
    )
    for k, (a, b, c, d) in enumerate(CLASSES.values()):
        group.a[k], group.b[k], group.c[k], group.d[k] = a, b, c, d
    group.v = -65 * mV
    group.u = "b*v"
    spikes = SpikeMonitor(group)
    Network(group, spikes).run(DURATION, namespace={"I": 10 * mV})
    trains = spikes.spike_trains()
    return {name: np.diff(np.asarray(trains[k] / ms)) for k, name in enumerate(CLASSES)}, trains


def bursts(isi, short=10.0):
    """Bursts as runs of >= 2 consecutive short ISIs (< ``short`` ms, i.e. > 100 Hz).

    Returns a list of (index of the burst's first ISI, number of ISIs in it).
    """
    found, k = [], 0
    while k < len(isi):
        if isi[k] < short:
            j = k
            while j < len(isi) and isi[j] < short:
                j += 1
            if j - k >= 2:
                found.append((k, j - k))
            k = j
        else:
            k += 1
    return found


@pytest.mark.parametrize("dt_ms", [0.1, 0.05])
def test_each_class_shows_its_isi_signature(target, dt_ms):
    isis, trains = _isis(dt_ms * ms)
    rs, fs, ib, ch = isis["RS"], isis["FS"], isis["IB"], isis["CH"]
    for name, isi in isis.items():
        assert len(isi) >= 8, f"{name}: only {len(isi) + 1} spikes in {DURATION}"

    # regular spiking: no bursts (every ISI > 10 ms) and adaptation (last ISI > 1.5 x first)
    assert rs.min() > 10, f"RS has burst-like ISIs: {rs[:5]}"
    assert rs[-1] / rs[0] > 1.5, f"RS does not adapt: last/first ISI = {rs[-1] / rs[0]:.2f}"
    # fast spiking: > 100 Hz throughout, settled within 30 ms (later ISIs spread < 5 %), adapts
    # less than RS
    fs_late = np.diff(np.asarray(trains[3][trains[3] > 30 * ms] / ms))
    assert fs.max() < 10, f"FS fires below 100 Hz: ISIs up to {fs.max():.1f} ms"
    assert np.ptp(fs_late) / fs_late.mean() < 0.05, (
        f"FS ISIs still change after 30 ms: {fs_late[:6]}"
    )
    assert fs[-1] / fs[0] < rs[-1] / rs[0], "FS should adapt less than RS"
    # intrinsically bursting: an initial burst (first two ISIs < 1/5 of the later ones), then
    # single spikes
    assert ib[:2].max() < 0.2 * np.median(ib[2:]), f"IB does not start with a burst: {ib[:5]}"
    assert ib[2:].min() > 10, f"IB bursts again after its first burst: {ib}"
    # chattering: bursts repeat -- >= 3 bursts (>= 3 spikes each), separated by ISIs > 4x the
    # longest intra-burst ISI, and still bursting in the last 100 ms
    ch_bursts = bursts(ch)
    assert len(ch_bursts) >= 3, f"CH: {len(ch_bursts)} bursts, expected repeated bursts: {ch[:20]}"
    short = ch < 10
    assert ch[~short].min() > 4 * ch[short].max(), (
        f"CH ISIs are not two separate groups: {ch[:20]}"
    )
    last_burst_start = trains[2][ch_bursts[-1][0]]
    assert last_burst_start > DURATION - 100 * ms, "CH stops bursting before the end of the run"
    # one burst for IB, at the very start; none for RS; FS has no long pauses at all (no bursts to
    # repeat)
    assert [start for start, _ in bursts(ib)] == [0], f"IB bursts: {bursts(ib)}"
    assert bursts(rs) == [], f"RS bursts: {bursts(rs)}"


def test_refractory_shorter_than_dt_does_nothing(target):
    """A refractory period 0 < refractory < dt is no refractoriness at all.

    Brian2 counts a refractory period in whole time steps (rounded down), so the spike train equals
    the one with refractory = 0. (In Brian2 2.9 even refractory = dt gives the same train; 2 dt
    already changes it.)
    """
    dt = 0.1 * ms
    periods = [0 * ms, 0.05 * ms, 0.099 * ms, 0.1 * ms, 0.2 * ms, 2 * ms]
    groups = [
        NeuronGroup(
            1,
            "dv/dt = (2*mV - v)/ms : volt (unless refractory)",
            threshold="v > 1*mV",
            reset="v = 0*mV",
            refractory=r,
            method="exact",
            dt=dt,
        )
        for r in periods
    ]
    monitors = [SpikeMonitor(g) for g in groups]
    Network(*groups, *monitors).run(20 * ms)
    trains = [np.asarray(m.t / ms) for m in monitors]
    assert len(trains[0]) > 10
    for r, train in zip(periods[1:4], trains[1:4], strict=True):
        assert np.array_equal(train, trains[0]), f"refractory = {r} changed the spike train"
    for r, train in zip(periods[4:], trains[4:], strict=True):
        assert len(train) < len(trains[0]), f"refractory = {r} should lower the rate"
