#!/usr/bin/python3
"""The statistical baseline of scripts/bench panels: per-series exponential smoothing (statsmodels' Holt-Winters,
additive damped trend, additive yearly season of 12) fitted on each series' rows before the hold-out, then run
with those parameters from every origin of the hold-out's windows, as the model is scored: windows of WINDOW
months whose first predicted month is at or after FROM and whose HORIZON next months are all there. Prints the
rmse and mae over every forecast value, and those of "last value" and "value 12 months back" on the same windows.

usage: panel_baselines.py FILE KEY TIME VALUE FROM WINDOW HORIZON
"""
import csv
import math
import sys
import warnings

from statsmodels.tsa.holtwinters import ExponentialSmoothing

warnings.filterwarnings("ignore")
path, key, time, value, start, window, horizon = sys.argv[1:8]
window, horizon = int(window), int(horizon)
series = {}
for row in csv.DictReader(open(path)):
    series.setdefault(row[key], []).append((row[time], float(row[value])))

sums = {"ets": [0.0, 0.0], "last": [0.0, 0.0], "lag12": [0.0, 0.0]}
count = 0
for name, rows in sorted(series.items()):
    rows.sort()
    times = [t for t, _ in rows]
    y = [v for _, v in rows]
    train_end = next(i for i, t in enumerate(times) if t >= start)
    fitted = ExponentialSmoothing(y[:train_end], trend="add", damped_trend=True, seasonal="add",
                                  seasonal_periods=12, initialization_method="estimated").fit()
    p = fitted.params
    for last in range(window - 1, len(y) - horizon):
        if times[last + 1] < start:
            continue
        model = ExponentialSmoothing(y[:last + 1], trend="add", damped_trend=True, seasonal="add",
                                     seasonal_periods=12, initialization_method="known",
                                     initial_level=p["initial_level"], initial_trend=p["initial_trend"],
                                     initial_seasonal=p["initial_seasons"])
        run = model.fit(smoothing_level=p["smoothing_level"], smoothing_trend=p["smoothing_trend"],
                        smoothing_seasonal=p["smoothing_seasonal"], damping_trend=p["damping_trend"],
                        optimized=False)
        forecast = run.forecast(horizon)
        for h in range(1, horizon + 1):
            actual = y[last + h]
            back = 12 * ((h + 11) // 12)
            for which, f in (("ets", forecast[h - 1]), ("last", y[last]), ("lag12", y[last + h - back])):
                sums[which][0] += (f - actual) ** 2
                sums[which][1] += abs(f - actual)
            count += 1
for which, (squared, absolute) in sums.items():
    print("%s rmse %.4f mae %.4f (%d values)" % (which, math.sqrt(squared / count), absolute / count, count))
