"""The SQLite cache: schema and migrations, writes, and the read queries."""
