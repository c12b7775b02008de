"""What the events are: their types, subjects, wire format, ids, stages and the folds every
service shares."""
