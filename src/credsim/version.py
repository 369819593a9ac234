"""credsim's version, in a module of its own so that any part can name it without importing the
package (and everything the package imports)."""

__version__ = "0.1.0"
