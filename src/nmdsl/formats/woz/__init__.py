"""whatsonzwift.com's workout text (a copy of a workout page's bars): read by ``read.py``."""
