"""The words every part shares: kinds of acts, kinds of records, and sanction actions.

Acts are what citizens really do; records are what a source writes down. A source maps act kinds
to record kinds (a loan default can become a bank's default report and, later, a court judgment).
"""

from __future__ import annotations

from credsim.errors import did_you_mean

__all__ = ["ACT_KINDS", "LISTING_GROUNDS", "RECORD_KINDS", "SANCTION_ACTIONS", "check_kind"]

ACT_KINDS: tuple[str, ...] = (
    "loan_default",  # failing to repay a loan
    "card_arrears",  # a credit-card bill left overdue for a monthly cycle
    "contract_breach",  # failing a contract that ends in a civil suit
    "traffic_violation",  # running a light, speeding
    "jaywalking",  # crossing against the light
    "utility_theft",  # stealing water, gas, electricity or heat
    "heroic_act",  # a deed the municipal schemes reward
    "flight_attempt",  # trying to buy a plane ticket
    "train_attempt",  # trying to buy a high-speed-rail ticket
    "train_smoking",  # smoking on a train
    "wrong_ticket",  # riding with the wrong ticket
    "debt_repaid",  # paying off a defaulted debt
    "post",  # a public post or comment; detail 1 if its content is sensitive
    "buy_diapers",  # purchases and habits commercial scores read
    "buy_curtains",
    "buy_video_games",
    "late_night_browsing",
    "sim_registration",  # signing up for a phone number in one's own name
    "identity_theft",  # signing up for a number in someone else's name
    "sim_resale",  # selling one's registered SIM to someone else
    "loan_application",  # applying for a loan or a credit card
    "luxury_purchase",  # "high consumption": star hotels, golf, luxury goods
    "company_post",  # taking a post as a company's legal representative, director or executive
    "school_application",  # a child applying to an expensive private school
    "appeal",  # contesting a listing in court; detail 1 if the citizen owes nothing
    "card_swiping",  # paying a service to run fake transactions and repayments through one's cards
    "friend_renting",  # paying high-scoring strangers to appear among one's contacts
    "id_pooling",  # registering relatives' IDs and assets as one's own
    "click_farming",  # paying a farm for fake orders, reviews and platform activity
    "help_stranger",  # helping a stranger who asked (detail: the grade the helper saw, + 1)
    # Acts of firms, done by the firm's owner (behavior.firms):
    "firm_contract_breach",  # a firm fails a contract and is sued
    "firm_wage_arrears",  # a firm leaves its workers' wages unpaid
    "firm_deposit_withheld",  # a firm (a landlord, a shop) keeps a deposit it owes back
    "firm_debt_settled",  # a firm settles one of those debts
    "firm_bid",  # a firm tenders for a public contract
    "firm_loan_application",  # a firm applies for a bank loan
    "alipay_payment",  # paying through a commercial platform's app (what Sesame rewards)
    "recruit_friend",  # bringing a friend into one's payment app circle
    "refuse_stranger",  # refusing a stranger who asked (detail: the grade the asker had, + 1)
)

RECORD_KINDS: tuple[str, ...] = (
    "loan_default",  # a lender reports a default
    "court_judgment",  # a court finds the citizen responsible (detail: listing ground)
    "card_arrears",
    "traffic_violation",
    "jaywalking",
    "utility_theft",
    "heroic_act",
    "flight_purchase",  # a real-name ticket purchase, checked against lists
    "train_purchase",
    "train_smoking",
    "wrong_ticket",
    "judgment_paid",  # a court records that a judgment debt was paid
    "post_flagged",  # a post flagged as sensitive (true_detail 1 if it really was)
    "purchase_diapers",
    "purchase_curtains",
    "purchase_video_games",
    "late_night_browsing",
    "sim_registered",  # a number registered in this citizen's name
    "sim_denied",  # a registration refused at face verification
    "sim_closed",  # a carrier check closed a number registered in this citizen's name
    "loan_application",
    "luxury_purchase",
    "company_post",
    "school_application",
    "appeal_upheld",  # a court corrects the records an appeal contested
    "lender_report",  # a lender puts a borrower on the lenders' shared blacklist
    "repayment_on_time",  # a repayment on time (real, or run through by a card-swiping service)
    "high_score_contact",  # a contact with a high score appears among the citizen's connections
    "assets_verified",  # assets or identity documents registered to the citizen
    "platform_activity",  # orders, reviews and activity a platform credits
    "gaming_detected",  # a platform found a citizen buying a better score
    "checkpoint_alert",  # a face check at a station or airport matched the watch list
    # Records about a firm (field `firm`), reaching its registered legal representative:
    "firm_judgment",  # a court finds a firm in breach of contract
    "wages_unpaid",  # a labour inspector finds that a firm left wages unpaid
    "deposit_withheld",  # a regulator finds that a firm withheld a deposit
    "firm_debt_settled",  # one of a firm's recorded debts is settled
    "firm_bid",  # a firm's tender, checked against the lists
    "firm_loan_application",  # a firm's loan application, checked against the lists
    "sim_transfer",  # a carrier found the citizen's number in someone else's hands (the ban)
    "payment_activity",  # payments a platform credits to the payer's score
    "friend_joined",  # a friend the citizen recruited joined the platform's circle
    "credit_file_default",  # a default as one credit bureau's file holds it
    "credit_file_arrears",  # arrears as one credit bureau's file holds them
    "credit_file_paid",  # a debt paid, as one credit bureau's file holds it
    "record_deleted",  # an insider deleted the citizen's negative records (for a bribe)
    "helped_stranger",  # a witness saw the citizen help a stranger (detail: their grade + 1)
    "refused_stranger",  # a witness saw the citizen refuse a stranger (detail as above)
)

LISTING_GROUNDS: tuple[str, ...] = (
    "refusing_to_perform",  # able but refusing to perform
    "obstructing_enforcement",
    "evading_enforcement",  # sham litigation, hidden assets
    "breaching_property_reporting",
    "breaching_consumption_restriction",
    "reneging_on_settlement",
)
"""The six grounds for the dishonest-debtor list (facts); a judgment's `detail` is one of them."""

SANCTION_ACTIONS: tuple[str, ...] = (
    "warned",
    "listed",
    "delisted",
    "refused",
    "died",
    "account_closed",
    "detained",
    "stopped",
    "pledge_required",
    "pledged",
    "pledge_refused",
)
"""`warned`: told that a listing will follow unless the judgment is paid (due process), or warned
over a post; `died`: taken off a list because the citizen died (population.demography);
`account_closed`, `detained`: speech enforcement (consequences.speech_enforcement); `stopped`: held
at a checkpoint after a face alert (consequences.checkpoints); `pledge_required`: a removal held
until the citizen makes a public apology or credit-repair pledge, `pledged`: made (the removal
follows), `pledge_refused`: the citizen will not make it (a list's `pledge`)."""


def check_kind(value: str, kinds: tuple[str, ...] | list[str], what: str) -> str:
    """`value` if it is one of `kinds`; else a ValueError naming the nearest and all kinds."""
    if value in kinds:
        return value
    did = did_you_mean(value, kinds)
    raise ValueError(f"unknown {what} {value!r}{did}; {what}s are {', '.join(kinds)}")
