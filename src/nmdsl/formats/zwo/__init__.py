"""Zwift's ZWO workout files: written by ``write.py``, read by ``read.py``."""
