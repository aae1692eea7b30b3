"""The HTTP edge: the resolver, the Lambda entry point, query parameters, errors as problem+json."""
