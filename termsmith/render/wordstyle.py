"""The house style's names: the styles, lists and measures that templates/build_reference.py puts in the
reference document and the Word writer (word.py, wordparts.py, wordruns.py) uses."""

from __future__ import annotations

MAX_LEVEL = 4  # clause (1) and sub-items (2–4)
INDENT = 720  # one level of indentation (twips): numbers sit at (level-1)·INDENT, text at level·INDENT
TEXT_WIDTH = 9072  # A4 (11906) minus two 2.5 cm margins (1417)
KEEP_TOGETHER_LINES = 15  # a table up to this many lines of text (about a quarter page) is kept on one page

TITLE, SUBTITLE, COVER_PARTY, COVER_DATE = "Title", "Subtitle", "CoverParty", "CoverDate"
TOC_HEADING, TOC_1 = "TOCHeading", "TOC1"
ARTICLE_HEADING, SCHEDULE_HEADING, EXECUTION_HEADING = "ArticleHeading", "ScheduleHeading", "ExecutionHeading"
BODY_TEXT, DEFINITION = "BodyText", "Definition"
CLAUSE_LEVELS = tuple(f"ClauseLevel{n}" for n in range(1, MAX_LEVEL + 1))
SCHEDULE_LEVELS = tuple(f"ScheduleLevel{n}" for n in range(1, MAX_LEVEL + 1))
BODY_LEVELS = tuple(f"BodyLevel{n}" for n in range(1, MAX_LEVEL + 1))
BULLET_LEVELS = tuple(f"BulletLevel{n}" for n in range(1, MAX_LEVEL + 1))
TABLE_TEXT, TABLE_HEADING, SIGNATURE_TEXT = "TableText", "TableHeading", "SignatureText"
HEADER, FOOTER = "Header", "Footer"
CONTRACT_TABLE = "ContractTable"
DEFINED_TERM, RUN_IN_HEADING, HYPERLINK = "DefinedTerm", "RunInHeading", "Hyperlink"

# list definitions (w:abstractNum/w:name) in the reference document
ARTICLES_LIST = "termsmith articles"  # 1. / 1.1 / (a) / (i) / (A)
SCHEDULES_LIST = "termsmith schedules"  # Schedule 1
SCHEDULE_CLAUSES_LIST = "termsmith schedule clauses"  # 1. / (a) / (i) / (A), restarted per schedule
BULLETS_LIST = "termsmith bullets"
