"""wfm-bridge: the integration layer between a contact-centre QA platform and WFM systems.

The repository's top-level folders (``core/``, ``ports/``, ``plugins/``, ``host/``) are this
package's subpackages: packaging maps the repository root to ``wfm_bridge`` (see
pyproject.toml), so everything imports as ``wfm_bridge.<folder>…``.
"""
