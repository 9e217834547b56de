"""E-mail: rendering outbox rows in the recipient's language and delivering them after the commit."""
