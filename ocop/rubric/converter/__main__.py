"""``python -m ocop.rubric.converter SOURCE.html [OUTPUT_DIR]``: see the package's docstring."""

import sys

from . import main

sys.exit(main())
