r"""
---
title: PPO entry point
summary: Makes the package runnable with python -m reference_impl.ppo.
---

# Entry point

`python -m reference_impl.ppo` runs this module, which hands over to the [command line](cli.py).
"""

import sys

from .cli import main

# Exit with the command's status
sys.exit(main())
