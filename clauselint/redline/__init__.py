"""Redlining: resolve a contract's findings as Word tracked changes with comments.

`clauselint fix` (command.py) calls `fix.fix_contract`, which lints the contract, plans one
change per finding that is not `present` (plan.py, using placement.py and numbering.py for where
a clause goes and how it is numbered, locate.py for which words to strike), and applies the plan
to a copy of the DOCX package (package.py) as `w:ins` / `w:del` revisions (textmap.py,
trackchanges.py, apply.py) with one Word comment per change (comments.py); for a PDF or another
format that cannot carry revisions it writes an amendment instead (amendment.py). output.py
decides where the result may go (never over an input) and writes it atomically with
`clauselint.outputs.write_atomic_bytes`.
"""
