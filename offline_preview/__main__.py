"""`python -m offline_preview preview --stack <stack>`."""

import sys

from offline_preview.cli import main

sys.exit(main())
