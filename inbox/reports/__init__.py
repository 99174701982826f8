"""Reports: the yearly channel report (figures, charts, exports, PDF) and the daily counts it
reads (`turn_days`).

May import: `settings`, the infrastructure modules and `rules`. No other feature.
"""
