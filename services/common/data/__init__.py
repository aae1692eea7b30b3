"""Data access: AWS clients, DynamoDB tables and transactions, the outbox and the event bus."""
