"""The read side: the one read port of a project's history, the stream tail, and the folds and
plans made from a history (projection, resume, fork)."""
