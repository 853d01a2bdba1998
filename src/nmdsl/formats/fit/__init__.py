"""Garmin FIT workout files: the codec (``codec.py``), ``write.py`` and ``read.py``."""
