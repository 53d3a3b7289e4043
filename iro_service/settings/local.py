"""The embedded default for a laptop or demo: DEBUG on unless told otherwise."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)


# seed_demo may build (and with --reset empty) this database: a laptop or demo only.
DEMO_DATA_ALLOWED = env.bool("DEMO_DATA_ALLOWED", default=True)
