"""intervals.icu's workout text: the builder's plain text, read (``read.py``) and written (``write.py``)."""
