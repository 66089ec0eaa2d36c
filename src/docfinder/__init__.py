"""docfinder: the best doctors near a place for a treatment, from public US provider data."""

__version__ = "0.1.0"
