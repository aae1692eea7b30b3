"""Models of the appeals service: request bodies (``inputs``) and the resources it returns (``resources``).

The resources are also the domain: an ``Appeal`` is what the logic works on and what the API shows
(after masking). ``dal`` maps them to and from DynamoDB items explicitly.
"""
