"""The language: text -> lines -> syntax tree -> model, and back.

``lexer`` splits lines into tokens (by the terminals of ``grammar/nmdsl.lark``),
``_lalr`` runs the LALR tables that ``_grammar`` computes and ``_tables``
holds, ``parser`` builds the syntax tree, ``builder`` turns it into the
model (every value checked, with its span), ``checks`` holds the
whole-session checks, ``values`` the numbers of the language, ``drills`` the
named drills, ``writer`` turns a model back into text and ``fmt`` formats a
file.  ``session`` runs the whole way from bytes to a checked workout.
"""
