"""Moving events: the connection, the one consumer loop, workers and the process that runs them."""
