"""The rules of the two-stage complaints process and the types they work on.

Pure: no database, no files, no clock. `vocabulary` holds every code and its words, `events`
the record and the one list of its kinds, `case` the fold that derives a case from its events,
`records` the fold for the report records, `calendar` working days, `policy` the policy file's
rules, `dates` dates as officers type them, `text` what a text field may hold. Nothing here
imports the rest of the project but `complaintctl.errors`.
"""
