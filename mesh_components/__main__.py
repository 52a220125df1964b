"""`python -m mesh_components <command>`: the offline tools."""

import sys

from .cli import main

sys.exit(main())
