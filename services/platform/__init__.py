"""Jobs that belong to no one service: the outbox relay (every service's events), and later the
appeal-deadlines job. They import ``services.common`` only, never a service (import-linter checks)."""
