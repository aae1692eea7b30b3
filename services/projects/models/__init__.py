"""Models of the projects service: request bodies (``inputs``) and resources (``resources``)."""
