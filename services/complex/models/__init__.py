"""Models of the complex service: request bodies, resources and stored records."""
