"""Models of the volunteers service: request bodies (``inputs``) and resources (``resources``)."""
