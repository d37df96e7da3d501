from __future__ import annotations

from csbot.cli import main

raise SystemExit(main())
