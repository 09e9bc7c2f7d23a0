"""Heavy models (sentence encoders, spaCy), loaded lazily behind small interfaces."""
