"""The statistics' pure rules: periods in China Standard Time, the definitions, rounding, growth, rankings,
small-cell suppression, the submission row format and review warnings. No I/O, no clock reads."""
