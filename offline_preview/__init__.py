"""Offline, policy-enforced preview of a Pulumi Python program: no CLI, no plugins, no cloud credentials."""
