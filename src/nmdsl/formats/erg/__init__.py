"""ERG and MRC course files (minutes and watts, minutes and %FTP): ``write.py`` and ``read.py``."""
