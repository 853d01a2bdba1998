"""How Golden Cheetah reads a line of an ERG/MRC file: the patterns both directions rely on.

Golden Cheetah (ErgFile.cpp, ``parseComputrainer``) tries its patterns on
every line, in every section, before the cue pattern.  ``read.py`` reads
files with them; ``write.py`` uses the same patterns to keep a cue's text
from being read as something else.
"""

from __future__ import annotations

import re

#: ``[COURSE HEADER]``, ``[END COURSE DATA]``, ...: matched anywhere in a line, any case.
SECTION_MARKER = re.compile(
    r"\[(?P<inner>[ \t]*(?P<end>END[ \t]+)?COURSE[ \t]+(?P<name>HEADER|DATA|TEXT)[ \t]*)\]", re.IGNORECASE
)
#: ``^[ \t]*([0-9\.]+)[ \t]*LAP[ \t\n]*(.*)$``, any case ("4 LAPS" too), on a stripped line.
LAP = re.compile(r"([0-9.]+)[ \t]*LAP.*", re.IGNORECASE)
