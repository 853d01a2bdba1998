"""A run's ``pace`` zones in ZWO: what ``Power`` on a run step is a fraction of.

zwo-editor (``calculateSpeed``) and QZ (``zwiftworkout.cpp``,
``speedFromPace``) agree on the zones: 0 = 1 mile, 1 = 5 km, 2 = 10 km,
3 = half marathon, 4 = marathon race pace.  nmdsl's run percentages are of
threshold speed (about the pace one holds for an hour); for runners whose
10 km takes 40 minutes or more, 10 km race pace is within 2.5% of it, closer
than any other zone (Riegel's formula; docs/format-zwo.md gives the
numbers).  So ``write.py`` writes run targets against zone 2, and
``read.py`` converts the other zones to it.
"""

from __future__ import annotations

from nmdsl.model import METRES_PER_MILE

#: The race distance of each zone.
PACE_ZONE_M = (METRES_PER_MILE, 5000.0, 10000.0, 21097.5, 42195.0)
PACE_ZONE_NAMES = ("1 mile", "5 km", "10 km", "half marathon", "marathon")
#: The zone nmdsl writes and reads as threshold speed.
THRESHOLD_ZONE = 2
#: Riegel's endurance exponent: race time grows as distance ** 1.06, so race
#: speed as distance ** -0.06.
RIEGEL = 1.06
