"""Summarise: candidate filters, bundle features, the learned selector, decoders, citations."""
