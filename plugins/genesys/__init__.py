"""The Genesys Cloud plugin: the ``genesys`` provider over the capability ports
(``provider``: people, activity codes, planned schedule searches -- ``schedules``, ``units``;
1:1s as coaching appointments; QA scores as daily external-metric values -- ``scores``), the
wire layer (``client``, ``api``, ``wire``, ``regions``, ``config``, ``token``), the
``wfm emulator serve genesys`` command (``cli``) and a stateful emulator (``emulator/``)
judged by Genesys's own Python SDK in the tests. Entry point: ``plugin``.
"""
