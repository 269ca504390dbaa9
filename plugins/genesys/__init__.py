"""The Genesys Cloud plugin: the wire layer (``client``, ``wire``, ``regions``, ``config``)
and a stateful emulator (``emulator/``) judged by Genesys's own Python SDK in the tests.

The provider adapter over the capability ports comes separately; nothing here depends on
the port shapes beyond the error hierarchy and the Clock.
"""
