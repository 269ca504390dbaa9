"""The Acme WFM provider for wfm-bridge (a template: rename ``acme`` to your vendor)."""
