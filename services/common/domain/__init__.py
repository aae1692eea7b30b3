"""Pure domain helpers: no boto3, no HTTP. Imports nothing from ``data`` or ``edge``."""
