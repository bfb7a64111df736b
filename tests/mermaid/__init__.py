"""Mermaid, pinned with npm, and the helper that renders diagrams with it in headless Chromium."""
