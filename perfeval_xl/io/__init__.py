"""Adapters between files and the core model (readers and writers)."""
