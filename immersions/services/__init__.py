"""The domain of immersions and Talent Exchange agreements: transitions, cap, links, documents, reminders.

Every state change locks its row, checks the transitions map and the actor's side, writes the row with
`update_fields`, logs (who, when, from, to, why) and enqueues its side effects after commit.
"""
