from nmdsl.cli import run

run()
