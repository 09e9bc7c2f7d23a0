"""Training and evaluation: the sentence selector, ROUGE, baselines."""
