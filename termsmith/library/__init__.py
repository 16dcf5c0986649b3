"""The clause library: clause files and their front matter, git revisions, locks and the on-disk cache."""
