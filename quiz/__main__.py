import sys

from quiz.cli.main import main

sys.exit(main())
