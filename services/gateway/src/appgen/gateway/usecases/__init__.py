"""What a caller can ask the gateway to do to a project, one module per use case.

`create`, `resume`, `fork` and `edit` (with revert) take the same steps, in the same order
(`steps.py`): read the project once through the read port (`Resources.log`); check that it
exists, or must not; check that the caller owns it; derive the ids a retry repeats (the
idempotency); count a start against the key's limits; publish. Routes and the WebSocket only
parse a request, call a use case and shape its answer.
"""
