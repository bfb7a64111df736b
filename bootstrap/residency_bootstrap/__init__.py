"""The bootstrap program's settings, policy documents and components (state backend, CI roles, runner)."""
