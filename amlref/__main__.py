from amlref.cli.main import main

raise SystemExit(main())
