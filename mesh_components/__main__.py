"""`python -m mesh_components <command>`: the offline tools."""

import os
import sys

MINIMUM_PYTHON = (3, 10)
REQUIREMENTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "requirements.txt")

if sys.version_info < MINIMUM_PYTHON:  # before importing anything written for 3.10 (no f-strings here)
    sys.exit("color-mesh needs Python %d.%d or later; this is %s" % (MINIMUM_PYTHON + (sys.version.split()[0],)))

try:
    from .cli import main

    code = main()
except ModuleNotFoundError as missing:  # a partial install: say what to run, not a traceback
    sys.exit("color-mesh: the module %r is missing; install the requirements into this Python: %s -m pip install "
             "-r %s (or run `pulumi install` in the project)" % (missing.name, sys.executable, REQUIREMENTS))
sys.exit(code)
