"""Stories: a stream of articles grouped into events, incrementally (`crossbrief stories`).

signature (what the grouper knows of one article) -> copies (MinHash LSH) -> group (the single-pass
grouper and its model) -> state (saving and loading it).
"""

from crossbrief.stories.group import Assignment, Story, StoryGrouper, StoryModel, default_model
from crossbrief.stories.signature import Signature, prepare, sign, signatures

__all__ = ["Assignment", "Signature", "Story", "StoryGrouper", "StoryModel", "default_model", "prepare", "sign",
           "signatures"]
