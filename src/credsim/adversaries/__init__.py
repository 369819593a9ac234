"""Institutional actors who abuse the system: crooked lenders, insiders, data brokers, breaches.

They act in the first phase of a day, like citizens. What they do to the records is written as
records with no act behind them (`true_actor = -1`) under their own source name, so every harm
they cause is measured like any other fabricated record.
"""

from credsim.adversaries.breach import Breach
from credsim.adversaries.brokers import Brokers
from credsim.adversaries.insiders import Insiders
from credsim.adversaries.lenders import Lenders

__all__ = ["Breach", "Brokers", "Insiders", "Lenders"]
