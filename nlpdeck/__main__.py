import sys

from nlpdeck.cli import main

sys.exit(main())
