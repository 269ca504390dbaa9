"""PostgreSQL adapters for a fleet: the StateStore (ledger, checkpoints, locks) and the
TenantClaims of the export fleet."""
