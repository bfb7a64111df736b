"""Reusable components that build one region of the residency system."""
