"""Route modules the handler includes (Powertools routers): one per group of routes beside the main ones."""
