"""The dates an agreement creates, taken out of the draft: computed (timeline), and written as a calendar or a table."""
