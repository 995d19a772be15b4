# Installed before any test module takes `truncate_all_models` by name (conftest imports tests.support, which
# does): on SQLite the settlement ledger's guard triggers refuse DELETE, so the suite's truncation lifts them.
from tests.support_settlement import install_truncate

install_truncate()
