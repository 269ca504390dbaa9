"""What every vendor's HTTP client shares, whichever vendor it talks to: the one retry policy
and its budgets (``retry``), the attempt loop (``attempts``), reading an answer into a wire
model (``answers``), option parsing (``options``) and the process's TLS context (``tls``). A
vendor plugin uses these rather than another vendor's modules."""
