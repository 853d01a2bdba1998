"""The model as JSON (``-f json``; its schema is the model's): ``write.py``."""
