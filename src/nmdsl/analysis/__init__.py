"""What nmdsl says about a workout: ``metrics`` (totals, NP, TSS, zones,
the neuromuscular summary), ``lint`` (coaching rules, W6xx) and ``plot``
(the chart).  All of it reads the model's timeline.
"""
